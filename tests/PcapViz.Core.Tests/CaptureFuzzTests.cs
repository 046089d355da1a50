using System.Diagnostics;
using PcapViz.Core.Analysis;
using PcapViz.Core.Capture;
using PcapViz.Core.Decoding;
using Xunit.Abstractions;

namespace PcapViz.Core.Tests;

/// <summary>
/// Mutated copies of every corpus capture, with a fixed seed so a failure reproduces: the analyzer may refuse a file
/// (<see cref="NotACaptureException"/>) but must otherwise finish and report sane totals. For a deeper run by hand, set
/// PCAPVIZ_FUZZ_SEED and PCAPVIZ_FUZZ_MUTANTS (mutants per file).
/// </summary>
public sealed class CaptureFuzzTests(ITestOutputHelper output)
{
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("PCAPVIZ_FUZZ_SEED"), out int seed) ? seed : 20261127;
    private static readonly int MutantsPerFile = int.TryParse(Environment.GetEnvironmentVariable("PCAPVIZ_FUZZ_MUTANTS"), out int mutants) ? mutants : 40;
    private const int MaxInputBytes = 200 * 1024;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(Math.Max(120, MutantsPerFile * 3));

    private static readonly uint[] InterestingWords = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFFC, 12, 28, 0x0100_0000];

    [Fact]
    public async Task Mutated_corpus_captures_analyze_and_score_without_any_exception_but_NotACapture()
    {
        var failures = new List<string>();
        int mutants = 0, refused = 0, damaged = 0;
        var clock = Stopwatch.StartNew();
        var work = Task.Run(() =>
        {
            var random = new Random(Seed);
            using var scratch = new TempCapture([], "scratch");
            string directory = Path.GetDirectoryName(scratch.Path)!;
            foreach (var source in Corpus.Captures)
            {
                var original = File.ReadAllBytes(source);
                if (original.Length > MaxInputBytes)
                    original = original[..MaxInputBytes];
                string name = Path.GetFileName(source);
                for (int i = 0; i < MutantsPerFile; i++)
                {
                    var (mutant, description) = Mutate(original, random);
                    string path = Path.Combine(directory, $"mutant-{i}{Path.GetExtension(source)}{(description.EndsWith("gzip", StringComparison.Ordinal) ? ".gz" : "")}");
                    File.WriteAllBytes(path, mutant);
                    mutants++;
                    try
                    {
                        var capture = CaptureAnalyzer.Analyze(path);
                        if (capture.Packets < 0 || capture.MalformedPackets < 0 || capture.MalformedPackets + capture.UnsupportedLinkTypePackets > capture.Packets
                            || capture.CapturedBytes < 0 || capture.FlowCount < 0)
                        {
                            failures.Add($"{name} mutant {i} ({description}): impossible totals, {capture.Packets} packets, {capture.MalformedPackets} malformed");
                        }
                        if (capture.Damage is not null)
                            damaged++;
                        // What the capture says also feeds the detectors and the key hosts: no exception, no NaN.
                        var findings = Core.Threats.ThreatAnalyzer.Analyze([capture], new Core.Threats.ThreatOptions());
                        if (findings.Any(f => !double.IsFinite(f.Score) || f.ProducerConsumerRatio is { } r && !double.IsFinite(r)))
                            failures.Add($"{name} mutant {i} ({description}): a finding scored NaN or infinity");
                        var input = new Core.Topology.TopologyInput();
                        input.AddCapture(capture);
                        var hosts = Core.Topology.KeyHosts.Rank(Core.Topology.TopologyBuilder.Build(input, new Core.Topology.TopologyOptions { Layer = 3 }), new Core.Topology.KeyHostOptions());
                        if (hosts.Any(h => !double.IsFinite(h.Betweenness) || !double.IsFinite(h.PageRank)))
                            failures.Add($"{name} mutant {i} ({description}): a key host measured NaN or infinity");
                    }
                    catch (NotACaptureException)
                    {
                        refused++;
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{name} mutant {i} ({description}): {e.GetType().Name}: {e.Message}");
                    }
                    finally
                    {
                        File.Delete(path);
                    }
                }
            }
        });

        await work.WaitAsync(Budget);
        output.WriteLine($"seed {Seed}: {mutants} mutants, {refused} refused as not a capture, {damaged} damaged, {failures.Count} failed, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, $"{failures.Count} of {mutants} mutants failed:\n" + string.Join("\n", failures.Take(20)));
        Assert.Equal(Corpus.Captures.Count() * MutantsPerFile, mutants);
        // The mutations must actually reach the error paths, or the test proves nothing.
        Assert.True(damaged > mutants / 10, $"only {damaged} of {mutants} mutants were reported damaged");
        Assert.True(refused < mutants / 2, $"{refused} of {mutants} mutants were refused outright");
        Assert.True(clock.Elapsed < Budget);
    }

    /// <summary>One to four mutations; sometimes the result is gzip-compressed, or a compressed copy is itself damaged.</summary>
    private static (byte[] Bytes, string Description) Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var steps = new List<string>();
        int count = random.Next(1, 5);
        for (int step = 0; step < count && bytes.Count > 0; step++)
        {
            // Headers hold the lengths and types that matter: aim a third of the hits at the first 64 bytes.
            int position = random.Next(3) == 0 ? random.Next(Math.Min(64, bytes.Count)) : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    int bit = random.Next(8);
                    bytes[position] ^= (byte)(1 << bit);
                    steps.Add($"flip bit {bit} at {position}");
                    break;
                case 1:
                    byte fill = random.Next(2) == 0 ? (byte)0x00 : (byte)0xFF;
                    int run = random.Next(1, 9);
                    for (int k = position; k < Math.Min(bytes.Count, position + run); k++)
                        bytes[k] = fill;
                    steps.Add($"overwrite {run} bytes at {position} with 0x{fill:X2}");
                    break;
                case 2:
                    int cut = random.Next(bytes.Count);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    steps.Add($"truncate to {cut}");
                    break;
                case 3:
                    int length = random.Next(1, Math.Min(4096, bytes.Count) + 1);
                    int from = random.Next(bytes.Count - length + 1);
                    var slice = bytes.GetRange(from, length);
                    bytes.InsertRange(position, slice);
                    steps.Add($"duplicate {length} bytes from {from} at {position}");
                    break;
                case 4:
                    int aligned = position & ~3;
                    uint word = InterestingWords[random.Next(InterestingWords.Length)];
                    for (int k = 0; k < 4 && aligned + k < bytes.Count; k++)
                        bytes[aligned + k] = (byte)(word >> (8 * k));
                    steps.Add($"write 0x{word:X8} at {aligned}");
                    break;
                default:
                    int remove = random.Next(1, Math.Min(64, bytes.Count) + 1);
                    bytes.RemoveRange(Math.Min(position, bytes.Count - remove), remove);
                    steps.Add($"delete {remove} bytes at {position}");
                    break;
            }
        }
        var result = bytes.ToArray();
        switch (random.Next(10))
        {
            case 0:
                steps.Add("gzip");
                return (CaptureBuilder.Gzip(result), string.Join(", ", steps));
            case 1:
                var compressed = CaptureBuilder.Gzip(result);
                if (compressed.Length > 20)
                {
                    int at = random.Next(10, compressed.Length);
                    compressed[at] ^= 0x5A;
                    steps.Add($"xor 0x5A at {at} of the compressed copy, gzip");
                }
                else
                {
                    steps.Add("gzip");
                }
                return (compressed, string.Join(", ", steps));
            default:
                return (result, string.Join(", ", steps));
        }
    }

    /// <summary>Every link type the fast path decodes, so a decoder added later is fuzzed without being listed here.</summary>
    public static TheoryData<int> FastLinkTypes() => new(Enumerable.Range(0, 300).Where(LinkType.IsFastPath));

    [Theory]
    [MemberData(nameof(FastLinkTypes))]
    public void Fast_path_decodes_random_and_mutated_frames_without_reading_past_them(int linkType)
    {
        var random = new Random(Seed + linkType);
        var seeds = PacketDecoderTests.SampleFrames().Select(f => f.Frame).ToArray();
        DecodedPacket decoded = default;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] frame;
            if (i % 2 == 0)
            {
                frame = new byte[random.Next(0, 160)];
                random.NextBytes(frame);
            }
            else
            {
                frame = (byte[])seeds[random.Next(seeds.Length)].Clone();
                for (int k = random.Next(1, 4); k > 0 && frame.Length > 0; k--)
                    frame[random.Next(frame.Length)] = (byte)random.Next(256);
                frame = frame[..random.Next(frame.Length + 1)];
            }
            // Any read past the span would throw; the payload it reports must lie inside the frame.
            PacketDecoder.Decode(linkType, frame, ref decoded);
            Assert.InRange(decoded.PayloadLength, 0, frame.Length);
            Assert.InRange(decoded.PayloadOffset + decoded.PayloadLength, 0, frame.Length);
            if (decoded.Has(PacketFlags.HasIp))
                Assert.True(decoded.IpVersion is 4 or 6);
        }
    }
}
