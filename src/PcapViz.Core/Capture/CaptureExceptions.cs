namespace PcapViz.Core.Capture;

/// <summary>The file is not a capture at all (wrong magic, empty): nothing could be read from it.</summary>
/// <remarks>A file name is text an attacker may have written: messages carry it made inert.</remarks>
public sealed class NotACaptureException(string path, string reason) : Exception($"'{InertText.Of(path)}' is not a pcap or pcapng capture: {reason}.")
{
    public string Path { get; } = path;
}

/// <summary>Damage found part-way through a capture: everything before <see cref="Offset"/> was read.</summary>
public sealed record CaptureDamage(string Path, long Offset, string Reason)
{
    public override string ToString() => $"'{InertText.Of(Path)}' is damaged at byte offset {Offset}: {Reason}. Packets before that offset were kept.";
}
