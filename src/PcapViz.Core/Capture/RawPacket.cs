namespace PcapViz.Core.Capture;

/// <summary>One record as the container holds it; <see cref="Data"/> points into the reader's buffer and is valid until the next read.</summary>
public ref struct RawPacket
{
    public int LinkType;
    public int InterfaceId;
    /// <summary>Nanoseconds since the Unix epoch.</summary>
    public long TimestampNs;
    public int OriginalLength;
    public ReadOnlySpan<byte> Data;
}
