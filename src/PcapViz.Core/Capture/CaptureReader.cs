using System.Buffers.Binary;
using System.IO.Compression;

namespace PcapViz.Core.Capture;

/// <summary>
/// Reads the packet records of a classic pcap or pcapng file (optionally gzip-compressed), one at a time,
/// without allocating per packet. Damage stops the walk and is reported in <see cref="Damage"/>; every
/// record before it has already been returned.
/// </summary>
public sealed class CaptureReader : IDisposable
{
    /// <summary>No real record or block is this large; a claim beyond it is corruption, not data.</summary>
    internal const int MaxRecordLength = 16 << 20;

    private const uint PcapMagicMicro = 0xA1B2C3D4;
    private const uint PcapMagicNano = 0xA1B23C4D;
    private const uint PcapMagicKuznetzov = 0xA1B2CD34;
    private const uint PcapNgSectionHeader = 0x0A0D0D0A;
    private const uint PcapNgByteOrderMagic = 0x1A2B3C4D;

    private readonly BufferedSource _source;
    private readonly long _fileLength;
    private readonly bool _compressed;

    // Classic pcap state.
    private bool _bigEndian;
    private int _pcapLinkType;
    private long _pcapTicksToNs;
    private int _pcapRecordHeaderLength;
    private uint _pcapSnapLength;
    /// <summary>Files before version 2.3 put the original length before the captured one (libpcap swaps them too).</summary>
    private bool _pcapOldLengthOrder;
    /// <summary>In version 2.3 either order was written; a captured length above the original one gives it away.</summary>
    private bool _pcapEitherLengthOrder;

    // pcapng state: interfaces of the current section.
    private readonly List<PcapNgInterface> _interfaces = [];
    private readonly HashSet<int> _linkTypes = [];

    // Where the record or block being read starts: damage is reported there, whatever part of it gave out.
    private long _recordStart;
    private bool _trailerChecked;

    public string Path { get; }
    public CaptureFormat Format { get; }
    public CaptureDamage? Damage { get; private set; }
    public long FileLength => _fileLength;
    public long FileBytesRead => _source.FileBytesRead;
    public IReadOnlyCollection<int> LinkTypes => _linkTypes;

    private CaptureReader(string path, BufferedSource source, long fileLength, bool compressed, CaptureFormat format)
    {
        Path = path;
        _source = source;
        _fileLength = fileLength;
        _compressed = compressed;
        Format = format;
    }

    /// <summary>
    /// Decompressed bytes asked for at a time. A corrupt gzip member (a bad checksum at its end) throws from the read
    /// that would have returned its last bytes, losing them: smaller reads keep that loss small. Below 64 KB the reads
    /// cost time (8 KB: a fifth more per compressed capture).
    /// </summary>
    private const int CompressedReadLength = 64 * 1024;

    /// <summary>.NET words every inflate failure as an "unsupported compression method", which misleads: say what we know.</summary>
    private const string CorruptGzip = "the gzip data is corrupt: it does not decompress (a damaged block, checksum or length)";

    /// <summary>Opens a capture and reads its file header; a file that is not a capture throws <see cref="NotACaptureException"/>.</summary>
    public static CaptureReader Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        try
        {
            return Open(path, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    internal static CaptureReader Open(string path, FileStream file)
    {
        long length = file.Length;
        if (length == 0)
            throw new NotACaptureException(path, "the file is empty");
        Span<byte> head = stackalloc byte[4];
        int got = file.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        file.Position = 0;
        bool compressed = got >= 2 && head[0] == 0x1F && head[1] == 0x8B;
        BufferedSource source = compressed
            ? new BufferedSource(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true), file, CompressedReadLength)
            : new BufferedSource(file);
        try
        {
            if (!source.Ensure(4))
                throw new NotACaptureException(path, compressed ? "the compressed data holds fewer than 4 bytes" : "the file is shorter than any capture header");
            uint magicLe = source.ReadUInt32At(0, bigEndian: false);
            CaptureReader reader;
            if (magicLe == PcapNgSectionHeader)
            {
                reader = new CaptureReader(path, source, compressed ? -1 : length, compressed, CaptureFormat.PcapNg);
                // The first section header is the file header: a file whose header cannot be read is no capture.
                if (!reader.ReadSectionHeader(first: true))
                    throw new NotACaptureException(path, "its first pcapng section header is damaged (" + reader.Damage!.Reason + ")");
            }
            else
            {
                reader = new CaptureReader(path, source, compressed ? -1 : length, compressed, CaptureFormat.Pcap);
                reader.ReadPcapHeader(magicLe);
            }
            return reader;
        }
        catch (InvalidDataException) when (compressed)
        {
            source.Dispose();
            throw new NotACaptureException(path, CorruptGzip);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private void ReadPcapHeader(uint magicLe)
    {
        uint magicBe = BinaryPrimitives.ReverseEndianness(magicLe);
        uint magic;
        if (magicLe is PcapMagicMicro or PcapMagicNano or PcapMagicKuznetzov)
        {
            _bigEndian = false;
            magic = magicLe;
        }
        else if (magicBe is PcapMagicMicro or PcapMagicNano or PcapMagicKuznetzov)
        {
            _bigEndian = true;
            magic = magicBe;
        }
        else
        {
            throw new NotACaptureException(Path, $"it begins with 0x{magicBe:X8}, which is neither a pcap nor a pcapng magic number");
        }
        if (!_source.Ensure(24))
            throw new NotACaptureException(Path, "the pcap file header is cut short");
        uint version = _source.ReadUInt32At(4, _bigEndian);
        // Major and minor are two 16-bit fields in the file's byte order.
        int major = (int)(_bigEndian ? version >> 16 : version & 0xFFFF), minor = (int)(_bigEndian ? version & 0xFFFF : version >> 16);
        _pcapOldLengthOrder = major < 2 || (major == 2 && minor < 3);
        _pcapEitherLengthOrder = major == 2 && minor == 3;
        _pcapSnapLength = _source.ReadUInt32At(16, _bigEndian);
        // Only the low 16 bits name the link type (libpcap's LT_LINKTYPE); the upper bits carry the FCS length and
        // its "present" flag (LT_FCS_LENGTH, LT_FCS_LENGTH_PRESENT), which a 0x0FFFFFFF mask would keep.
        _pcapLinkType = (int)(_source.ReadUInt32At(20, _bigEndian) & 0xFFFF);
        _pcapTicksToNs = magic == PcapMagicNano ? 1 : 1000;
        _linkTypes.Add(_pcapLinkType);
        _source.Advance(24);
        _pcapRecordHeaderLength = RecordHeaderLength(magic switch
        {
            PcapMagicKuznetzov => ModifiedRecordHeaders,
            PcapMagicNano => NanosecondRecordHeaders,
            _ => StandardRecordHeaders,
        });
    }

    /// <summary>
    /// Record header lengths written under each magic number, most common first. Patched libpcaps of the late 1990s
    /// (Red Hat 6.1: 24 bytes, Nokia IPSO: 20) kept the standard magic; SuSE 6.3 (28 bytes) kept Kuznetzov's.
    /// Nanosecond files came later and only ever had the standard 16.
    /// </summary>
    private static readonly int[] StandardRecordHeaders = [16, 24, 20];
    private static readonly int[] ModifiedRecordHeaders = [24, 28];
    private static readonly int[] NanosecondRecordHeaders = [16];
    /// <summary>Record headers a candidate length must read cleanly, as Wireshark tries the first two.</summary>
    private const int RecordsToTry = 2;
    /// <summary>The probe looks no further than the first buffer holds, so a forged file cannot make it buffer more.</summary>
    private const int ProbeBytes = 1 << 20;

    /// <summary>
    /// The record header length under which the first records read as records: the first candidate whose first two
    /// headers make sense, where a file (or the probe's window) ending early counts as sense, since a file cut short
    /// is damage to report, not a reason to guess another format. The file header says nothing of it, and a wrong
    /// guess turns every packet after the first into garbage.
    /// </summary>
    private int RecordHeaderLength(int[] candidates)
    {
        foreach (int candidate in candidates)
        {
            if (ReadsCleanly(candidate))
                return candidate;
        }
        return candidates[0];
    }

    private bool ReadsCleanly(int headerLength)
    {
        long fractionLimit = _pcapTicksToNs == 1 ? 1_000_000_000 : 1_000_000;
        long offset = 0;
        for (int record = 0; record < RecordsToTry; record++)
        {
            if (!Probe(offset + headerLength))
                return true;
            uint fraction = _source.ReadUInt32At((int)offset + 4, _bigEndian);
            var (included, original) = RecordLengths((int)offset);
            if (fraction >= fractionLimit || included > RecordLengthLimit || original > MaxRecordLength * 8L)
                return false;
            offset += headerLength + included;
        }
        return true;
    }

    /// <summary>Whether the first <paramref name="length"/> bytes after the file header can be looked at by the probe.</summary>
    private bool Probe(long length)
    {
        if (length > ProbeBytes)
            return false;
        try
        {
            return _source.Ensure((int)length);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            // Corrupt compressed data this early: the records before it are still read, and the damage reported, by ReadNext.
            return false;
        }
    }

    private uint RecordLengthLimit => Math.Min(Math.Max(_pcapSnapLength, 262144u), (uint)MaxRecordLength);

    /// <summary>Captured and original length of the record whose header starts <paramref name="offset"/> bytes on.</summary>
    private (uint Included, uint Original) RecordLengths(int offset)
    {
        uint first = _source.ReadUInt32At(offset + 8, _bigEndian);
        uint second = _source.ReadUInt32At(offset + 12, _bigEndian);
        bool swapped = _pcapOldLengthOrder || (_pcapEitherLengthOrder && first > second);
        return swapped ? (second, first) : (first, second);
    }

    /// <summary>Reads the next packet; false at the end of the capture or at damage (see <see cref="Damage"/>).</summary>
    public bool ReadNext(ref RawPacket packet)
    {
        if (Damage is not null)
            return false;
        try
        {
            return Format == CaptureFormat.Pcap ? ReadPcapRecord(ref packet) : ReadPcapNgPacket(ref packet);
        }
        catch (InvalidDataException) when (_compressed)
        {
            return Fail(CorruptGzip);
        }
        catch (EndOfStreamException)
        {
            return Fail("the compressed stream ends early");
        }
    }

    /// <summary>
    /// Records damage at the start of the record or block being read, not where reading gave out: a block skipped
    /// unbuffered (or a compressed stream) may have been consumed well past its start by then.
    /// </summary>
    private bool Fail(string reason)
    {
        Damage = new CaptureDamage(Path, _recordStart, _compressed ? reason + " (the offset counts decompressed bytes)" : reason);
        return false;
    }

    /// <summary>
    /// False, the capture having ended at a record boundary; for a gzip file, damage when its data stopped short. A gzip
    /// stream cut short decompresses without complaint up to the cut, so its trailer is looked for: it ends with the
    /// decompressed length, modulo 2^32. A file of several gzip members (whose trailer gives the last member's length
    /// alone) is let be.
    /// </summary>
    private bool EndOfCapture()
    {
        if (!_compressed || _trailerChecked)
            return false;
        _trailerChecked = true;
        try
        {
            using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            // Padding or other bytes may follow the trailer (tape blocks, a careless concatenation): look for it near the end.
            var tail = new byte[(int)Math.Min(file.Length, 64 * 1024)];
            file.Seek(-tail.Length, SeekOrigin.End);
            file.ReadExactly(tail);
            Span<byte> size = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)_source.Position);
            if (tail.AsSpan().IndexOf(size) >= 0 || HasLaterGzipMember(file))
                return false;
        }
        catch (IOException)
        {
            return false;
        }
        _recordStart = _source.Position;
        return Fail("the compressed data stops short of its end (the gzip trailer does not match what it decompressed to)");
    }

    /// <summary>Whether a gzip member header (1f 8b 08, reserved flag bits clear) starts anywhere past the first byte.</summary>
    private static bool HasLaterGzipMember(FileStream file)
    {
        ReadOnlySpan<byte> magic = [0x1F, 0x8B, 0x08];
        var buffer = new byte[1 << 16];
        file.Position = 1;
        int carried = 0;
        while (true)
        {
            int read = file.Read(buffer, carried, buffer.Length - carried);
            int length = carried + read;
            // A header needs its flag byte too: one that starts in the last three bytes is looked at after the next read.
            var span = buffer.AsSpan(0, length);
            for (int at = span.IndexOf(magic); at >= 0 && at + 3 < length; at = NextAt(span, magic, at))
            {
                if ((span[at + 3] & 0xE0) == 0)
                    return true;
            }
            if (read == 0)
                return false;
            carried = Math.Min(3, length);
            span[(length - carried)..].CopyTo(buffer);
        }

        static int NextAt(ReadOnlySpan<byte> span, ReadOnlySpan<byte> magic, int at)
        {
            int next = span[(at + 1)..].IndexOf(magic);
            return next < 0 ? -1 : at + 1 + next;
        }
    }

    private bool ClaimFitsInFile(long claimed) => _fileLength < 0 || _source.Position + claimed <= _fileLength;

    private bool ReadPcapRecord(ref RawPacket packet)
    {
        _recordStart = _source.Position;
        int headerLength = _pcapRecordHeaderLength;
        if (!_source.Ensure(headerLength))
        {
            if (_source.Available == 0)
                return EndOfCapture();
            return Fail($"the file ends inside a record header ({_source.Available} of {headerLength} bytes)");
        }
        uint seconds = _source.ReadUInt32At(0, _bigEndian);
        uint fraction = _source.ReadUInt32At(4, _bigEndian);
        var (included, original) = RecordLengths(0);
        if (included > RecordLengthLimit)
            return Fail($"a record claims {included} captured bytes, more than the snap length allows");
        if (!ClaimFitsInFile(headerLength + (long)included))
            return Fail($"a record claims {included} bytes but the file ends first");
        if (!_source.Ensure(headerLength + (int)included))
            return Fail($"the file ends inside a record of {included} bytes");
        packet.LinkType = _pcapLinkType;
        packet.InterfaceId = 0;
        packet.TimestampNs = seconds * 1_000_000_000L + fraction * _pcapTicksToNs;
        packet.OriginalLength = WireLength(packet.LinkType, original);
        packet.Data = _source.Peek(headerLength + (int)included)[headerLength..];
        _source.Advance(headerLength + (int)included);
        return true;
    }

    private bool ReadPcapNgPacket(ref RawPacket packet)
    {
        while (true)
        {
            _recordStart = _source.Position;
            if (!_source.Ensure(12))
            {
                if (_source.Available == 0)
                    return EndOfCapture();
                return Fail($"the file ends inside a block header ({_source.Available} bytes left)");
            }
            uint typeLe = _source.ReadUInt32At(0, bigEndian: false);
            if (typeLe == PcapNgSectionHeader)
            {
                if (!ReadSectionHeader(first: false))
                    return false;
                continue;
            }
            uint type = _bigEndian ? BinaryPrimitives.ReverseEndianness(typeLe) : typeLe;
            uint length = _source.ReadUInt32At(4, _bigEndian);
            if (length < 12 || length % 4 != 0)
                return Fail($"a block of type 0x{type:X} has an invalid length of {length}");
            if (!ClaimFitsInFile(length))
                return Fail($"a block of type 0x{type:X} claims {length} bytes but the file ends first");
            bool isPacket = type is 1 or 2 or 3 or 6;
            if (!isPacket)
            {
                // Name resolution, statistics and custom blocks carry no packets; skip without buffering.
                if (!_source.Skip(length))
                    return Fail($"the file ends inside a block of type 0x{type:X}");
                continue;
            }
            if (length > MaxRecordLength)
                return Fail($"a block of type 0x{type:X} claims {length} bytes, more than any packet block can hold");
            if (!_source.Ensure((int)length))
                return Fail($"the file ends inside a block of type 0x{type:X} ({length} bytes)");
            var block = _source.Peek((int)length);
            if (ReadUInt32(block[^4..]) != length)
                return Fail($"a block of type 0x{type:X} has a trailing length that does not match its leading length");
            bool produced = type switch
            {
                1 => ReadInterfaceDescription(block),
                6 => ReadEnhancedPacket(block, ref packet),
                3 => ReadSimplePacket(block, ref packet),
                _ => ReadObsoletePacket(block, ref packet),
            };
            if (Damage is not null)
                return false;
            _source.Advance((int)length);
            if (produced)
                return true;
        }
    }

    private uint ReadUInt32(ReadOnlySpan<byte> span) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);

    private ushort ReadUInt16(ReadOnlySpan<byte> span) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);

    private bool ReadSectionHeader(bool first)
    {
        _recordStart = _source.Position;
        if (!_source.Ensure(16))
            return Fail("the file ends inside a section header block");
        uint orderLe = _source.ReadUInt32At(8, bigEndian: false);
        if (orderLe == PcapNgByteOrderMagic)
            _bigEndian = false;
        else if (BinaryPrimitives.ReverseEndianness(orderLe) == PcapNgByteOrderMagic)
            _bigEndian = true;
        else
            return first
                ? throw new NotACaptureException(Path, "its section header has no valid byte-order magic")
                : Fail("a section header block has no valid byte-order magic");
        uint length = _source.ReadUInt32At(4, _bigEndian);
        if (length < 28 || length % 4 != 0)
            return Fail($"a section header block has an invalid length of {length}");
        if (!ClaimFitsInFile(length))
            return Fail($"a section header block claims {length} bytes but the file ends first");
        _interfaces.Clear();
        if (!_source.Skip(length))
            return Fail("the file ends inside a section header block");
        return true;
    }

    private bool ReadInterfaceDescription(ReadOnlySpan<byte> block)
    {
        if (block.Length < 20)
        {
            Fail("an interface description block is shorter than its fixed fields");
            return false;
        }
        int linkType = ReadUInt16(block[8..]);
        uint snapLength = ReadUInt32(block[12..]);
        bool powerOfTwo = false;
        int exponent = 6;
        long offsetSeconds = 0;
        var options = block[16..^4];
        while (options.Length >= 4)
        {
            int code = ReadUInt16(options);
            int optionLength = ReadUInt16(options[2..]);
            if (code == 0 || 4 + optionLength > options.Length)
                break;
            var value = options.Slice(4, optionLength);
            if (code == 9 && optionLength >= 1)
            {
                powerOfTwo = (value[0] & 0x80) != 0;
                exponent = value[0] & 0x7F;
            }
            else if (code == 14 && optionLength >= 8)
            {
                offsetSeconds = _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(value) : BinaryPrimitives.ReadInt64LittleEndian(value);
            }
            options = options[Math.Min(options.Length, 4 + ((optionLength + 3) & ~3))..];
        }
        _interfaces.Add(new PcapNgInterface(linkType, snapLength, powerOfTwo, exponent, offsetSeconds));
        _linkTypes.Add(linkType);
        return false;
    }

    private bool Interface(long id, out PcapNgInterface found)
    {
        if (id < 0 || id >= _interfaces.Count)
        {
            found = default;
            Fail($"a packet names interface {id}, but the section describes {_interfaces.Count}");
            return false;
        }
        found = _interfaces[(int)id];
        return true;
    }

    private bool ReadEnhancedPacket(ReadOnlySpan<byte> block, ref RawPacket packet)
    {
        if (block.Length < 32)
        {
            Fail("an enhanced packet block is shorter than its fixed fields");
            return false;
        }
        uint interfaceId = ReadUInt32(block[8..]);
        if (!Interface(interfaceId, out var face))
            return false;
        ulong units = ((ulong)ReadUInt32(block[12..]) << 32) | ReadUInt32(block[16..]);
        uint captured = ReadUInt32(block[20..]);
        uint original = ReadUInt32(block[24..]);
        if (captured > block.Length - 32)
        {
            Fail($"an enhanced packet block claims {captured} captured bytes but holds {block.Length - 32}");
            return false;
        }
        packet.LinkType = face.LinkType;
        packet.InterfaceId = (int)interfaceId;
        packet.TimestampNs = face.ToNanoseconds(units);
        packet.OriginalLength = WireLength(packet.LinkType, original);
        packet.Data = block.Slice(28, (int)captured);
        return true;
    }

    private bool ReadSimplePacket(ReadOnlySpan<byte> block, ref RawPacket packet)
    {
        if (block.Length < 16)
        {
            Fail("a simple packet block is shorter than its fixed fields");
            return false;
        }
        if (!Interface(0, out var face))
            return false;
        uint original = ReadUInt32(block[8..]);
        long captured = Math.Min(original, block.Length - 16);
        if (face.SnapLength > 0)
            captured = Math.Min(captured, face.SnapLength);
        packet.LinkType = face.LinkType;
        packet.InterfaceId = 0;
        // A simple packet block carries no timestamp.
        packet.TimestampNs = 0;
        packet.OriginalLength = WireLength(packet.LinkType, original);
        packet.Data = block.Slice(12, (int)captured);
        return true;
    }

    private bool ReadObsoletePacket(ReadOnlySpan<byte> block, ref RawPacket packet)
    {
        if (block.Length < 32)
        {
            Fail("a packet block is shorter than its fixed fields");
            return false;
        }
        int interfaceId = ReadUInt16(block[8..]);
        if (!Interface(interfaceId, out var face))
            return false;
        ulong units = ((ulong)ReadUInt32(block[12..]) << 32) | ReadUInt32(block[16..]);
        uint captured = ReadUInt32(block[20..]);
        uint original = ReadUInt32(block[24..]);
        if (captured > block.Length - 32)
        {
            Fail($"a packet block claims {captured} captured bytes but holds {block.Length - 32}");
            return false;
        }
        packet.LinkType = face.LinkType;
        packet.InterfaceId = interfaceId;
        packet.TimestampNs = face.ToNanoseconds(units);
        packet.OriginalLength = WireLength(packet.LinkType, original);
        packet.Data = block.Slice(28, (int)captured);
        return true;
    }

    /// <summary>
    /// The length of the packet on the wire, as the record states it (even below the captured length, as Wireshark
    /// keeps it). SunATM records count their 4-byte pseudo-header, which never crossed the wire.
    /// </summary>
    private static int WireLength(int linkType, uint original)
    {
        if (linkType == Decoding.LinkType.SunAtm)
            original -= Math.Min(original, 4u);
        return (int)Math.Min(original, int.MaxValue);
    }

    public void Dispose() => _source.Dispose();

    private readonly record struct PcapNgInterface(int LinkType, uint SnapLength, bool PowerOfTwo, int Exponent, long OffsetSeconds)
    {
        public long ToNanoseconds(ulong units)
        {
            long offsetNs = OffsetSeconds * 1_000_000_000L;
            if (PowerOfTwo)
            {
                // units * 10^9 fits in 94 bits, so any shift up to 127 is exact (and 2^-64 and finer are not capped).
                UInt128 ns = (UInt128)units * 1_000_000_000UL >> Exponent;
                return offsetNs + (long)(ulong)ns;
            }
            if (Exponent <= 9)
                return offsetNs + (long)(units * Pow10(9 - Exponent));
            // 10^20 exceeds any 64-bit count of units: at 10^-29 s and finer no whole nanosecond is left.
            if (Exponent - 9 > 19)
                return offsetNs;
            return offsetNs + (long)(units / Pow10(Exponent - 9));
        }

        private static ulong Pow10(int n)
        {
            ulong value = 1;
            for (int i = 0; i < n; i++)
                value *= 10;
            return value;
        }
    }
}
