using System.Buffers.Binary;
using System.IO.Compression;
using PcapViz.Core.Capture;

namespace PcapViz.Core.Tests;

/// <summary>
/// Writes synthetic captures byte by byte, so a test can state exactly what a file holds (and where it is broken):
/// classic pcap in either byte order with microsecond or nanosecond stamps, and pcapng with any mix of sections,
/// interfaces, packet blocks and blocks of unknown type. Nothing outside the test process is needed.
/// </summary>
public static class CaptureBuilder
{
    public static PcapWriter Pcap(int linkType = 1, bool bigEndian = false, bool nanoseconds = false, uint snapLength = 65535) =>
        new(linkType, bigEndian, nanoseconds, snapLength);

    public static PcapNgWriter PcapNg() => new();

    public static byte[] Gzip(byte[] capture)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(capture);
        return output.ToArray();
    }

    /// <summary>Every record of a capture, copied out of the reader's buffer, and the damage the reader reported.</summary>
    public static (List<ReadPacket> Packets, CaptureDamage? Damage) ReadAll(string path)
    {
        using var reader = CaptureReader.Open(path);
        return ReadAll(reader);
    }

    public static (List<ReadPacket> Packets, CaptureDamage? Damage) ReadAll(CaptureReader reader)
    {
        var packets = new List<ReadPacket>();
        RawPacket raw = default;
        while (reader.ReadNext(ref raw))
            packets.Add(new ReadPacket(raw.LinkType, raw.InterfaceId, raw.TimestampNs, raw.OriginalLength, raw.Data.ToArray()));
        return (packets, reader.Damage);
    }
}

public sealed record ReadPacket(int LinkType, int InterfaceId, long TimestampNs, int OriginalLength, byte[] Data);

/// <summary>A file in a private temporary directory, deleted with the directory on dispose.</summary>
public sealed class TempCapture : IDisposable
{
    private readonly string _directory;

    public TempCapture(byte[] contents, string fileName = "capture.pcap")
    {
        _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pcapviz-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        Path = System.IO.Path.Combine(_directory, fileName);
        File.WriteAllBytes(Path, contents);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A reader still holding the file on some platform must not fail the test that made it.
        }
    }
}

/// <summary>Classic pcap: a 24-byte file header and 16-byte record headers in the writer's byte order.</summary>
public sealed class PcapWriter
{
    private readonly MemoryStream _bytes = new();
    private readonly bool _bigEndian;

    internal PcapWriter(int linkType, bool bigEndian, bool nanoseconds, uint snapLength)
    {
        _bigEndian = bigEndian;
        U32(nanoseconds ? 0xA1B23C4Du : 0xA1B2C3D4u);
        U16(2);
        U16(4);
        U32(0);
        U32(0);
        U32(snapLength);
        U32((uint)linkType);
    }

    /// <summary>Bytes written so far: the offset at which the next record starts.</summary>
    public long Length => _bytes.Length;

    /// <summary>A record whose fraction is in the file's unit (microseconds or nanoseconds).</summary>
    public PcapWriter Record(uint seconds, uint fraction, byte[] data, uint? originalLength = null)
    {
        RecordHeader(seconds, fraction, (uint)data.Length, originalLength ?? (uint)data.Length);
        _bytes.Write(data);
        return this;
    }

    /// <summary>A record header alone, claiming whatever lengths the test likes.</summary>
    public PcapWriter RecordHeader(uint seconds, uint fraction, uint includedLength, uint originalLength)
    {
        U32(seconds);
        U32(fraction);
        U32(includedLength);
        U32(originalLength);
        return this;
    }

    public PcapWriter Raw(byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    /// <summary>Overwrites the 32-bit link-type field of the file header (for the FCS bits libpcap keeps there).</summary>
    public PcapWriter LinkTypeField(uint value)
    {
        var buffer = _bytes.GetBuffer();
        if (_bigEndian)
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(20), value);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(20), value);
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();

    private void U16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        if (_bigEndian)
            BinaryPrimitives.WriteUInt16BigEndian(b, value);
        else
            BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        _bytes.Write(b);
    }

    private void U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        if (_bigEndian)
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _bytes.Write(b);
    }
}

/// <summary>
/// pcapng: each <see cref="Section"/> starts a section in its own byte order; interfaces are numbered per section in
/// the order they are added. Block bodies are padded to 32 bits and framed by the leading and trailing total length.
/// </summary>
public sealed class PcapNgWriter
{
    public const uint SectionHeaderType = 0x0A0D0D0A;
    public const uint InterfaceDescriptionType = 1;
    public const uint ObsoletePacketType = 2;
    public const uint SimplePacketType = 3;
    public const uint NameResolutionType = 4;
    public const uint InterfaceStatisticsType = 5;
    public const uint EnhancedPacketType = 6;

    private readonly MemoryStream _bytes = new();
    private bool _bigEndian;

    /// <summary>Bytes written so far: the offset at which the next block starts.</summary>
    public long Length => _bytes.Length;

    public PcapNgWriter Section(bool bigEndian = false, byte[]? options = null)
    {
        _bigEndian = bigEndian;
        var body = new Body(bigEndian);
        body.U32(0x1A2B3C4D);
        body.U16(1);
        body.U16(0);
        body.U64(ulong.MaxValue); // section length not given
        if (options is not null)
            body.Bytes(options);
        return Block(SectionHeaderType, body.ToArray());
    }

    /// <summary>
    /// An interface description. <paramref name="tsresol"/> is the raw if_tsresol byte (high bit set: 2^-n, else 10^-n);
    /// <paramref name="tsoffset"/> is if_tsoffset in seconds.
    /// </summary>
    public PcapNgWriter Interface(int linkType, uint snapLength = 0, byte? tsresol = null, long? tsoffset = null, bool withName = false)
    {
        var body = new Body(_bigEndian);
        body.U16((ushort)linkType);
        body.U16(0);
        body.U32(snapLength);
        bool anyOption = false;
        if (withName)
        {
            // if_name before the options we read, so their parsing must step over it (odd length, padded).
            body.Option(2, "eth0 test"u8.ToArray());
            anyOption = true;
        }
        if (tsresol is { } resolution)
        {
            body.Option(9, [resolution]);
            anyOption = true;
        }
        if (tsoffset is { } offset)
        {
            var value = new byte[8];
            if (_bigEndian)
                BinaryPrimitives.WriteInt64BigEndian(value, offset);
            else
                BinaryPrimitives.WriteInt64LittleEndian(value, offset);
            body.Option(14, value);
            anyOption = true;
        }
        if (anyOption)
            body.EndOfOptions();
        return Block(InterfaceDescriptionType, body.ToArray());
    }

    /// <summary>An enhanced packet block; <paramref name="timestamp"/> is in the interface's units.</summary>
    public PcapNgWriter Enhanced(uint interfaceId, ulong timestamp, byte[] data, uint? originalLength = null, uint? capturedLength = null,
        byte[]? options = null)
    {
        var body = new Body(_bigEndian);
        body.U32(interfaceId);
        body.U32((uint)(timestamp >> 32));
        body.U32((uint)timestamp);
        body.U32(capturedLength ?? (uint)data.Length);
        body.U32(originalLength ?? (uint)data.Length);
        body.Bytes(data);
        body.Pad();
        if (options is not null)
            body.Bytes(options);
        return Block(EnhancedPacketType, body.ToArray());
    }

    public PcapNgWriter Simple(byte[] data, uint? originalLength = null)
    {
        var body = new Body(_bigEndian);
        body.U32(originalLength ?? (uint)data.Length);
        body.Bytes(data);
        body.Pad();
        return Block(SimplePacketType, body.ToArray());
    }

    /// <summary>The obsolete Packet Block (type 2): a 16-bit interface id and a 16-bit drops count.</summary>
    public PcapNgWriter Obsolete(ushort interfaceId, ulong timestamp, byte[] data, uint? originalLength = null)
    {
        var body = new Body(_bigEndian);
        body.U16(interfaceId);
        body.U16(0);
        body.U32((uint)(timestamp >> 32));
        body.U32((uint)timestamp);
        body.U32((uint)data.Length);
        body.U32(originalLength ?? (uint)data.Length);
        body.Bytes(data);
        body.Pad();
        return Block(ObsoletePacketType, body.ToArray());
    }

    /// <summary>Any block, framed correctly; the body is padded to 32 bits.</summary>
    public PcapNgWriter Block(uint type, byte[] body)
    {
        int padded = (body.Length + 3) & ~3;
        uint total = (uint)(12 + padded);
        return Framed(type, total, body, padded - body.Length, total);
    }

    /// <summary>A block whose leading and trailing lengths are whatever the test says, around the body as given.</summary>
    public PcapNgWriter Framed(uint type, uint leadingLength, byte[] body, int padding, uint trailingLength)
    {
        var frame = new Body(_bigEndian);
        frame.U32(type);
        frame.U32(leadingLength);
        frame.Bytes(body);
        frame.Bytes(new byte[padding]);
        frame.U32(trailingLength);
        _bytes.Write(frame.ToArray());
        return this;
    }

    /// <summary>Only the type and leading length of a block: for headers that lie about what follows.</summary>
    public PcapNgWriter BlockHeader(uint type, uint length)
    {
        var frame = new Body(_bigEndian);
        frame.U32(type);
        frame.U32(length);
        _bytes.Write(frame.ToArray());
        return this;
    }

    public PcapNgWriter Raw(byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>An options list (each padded to 32 bits) ending in opt_endofopt, in this section's byte order.</summary>
    public byte[] Options(params (ushort Code, byte[] Value)[] options)
    {
        var body = new Body(_bigEndian);
        foreach (var (code, value) in options)
            body.Option(code, value);
        body.EndOfOptions();
        return body.ToArray();
    }

    /// <summary>Integers in a section's byte order.</summary>
    public sealed class Body(bool bigEndian)
    {
        private readonly MemoryStream _bytes = new();

        public void U16(ushort value)
        {
            Span<byte> b = stackalloc byte[2];
            if (bigEndian)
                BinaryPrimitives.WriteUInt16BigEndian(b, value);
            else
                BinaryPrimitives.WriteUInt16LittleEndian(b, value);
            _bytes.Write(b);
        }

        public void U32(uint value)
        {
            Span<byte> b = stackalloc byte[4];
            if (bigEndian)
                BinaryPrimitives.WriteUInt32BigEndian(b, value);
            else
                BinaryPrimitives.WriteUInt32LittleEndian(b, value);
            _bytes.Write(b);
        }

        public void U64(ulong value)
        {
            Span<byte> b = stackalloc byte[8];
            if (bigEndian)
                BinaryPrimitives.WriteUInt64BigEndian(b, value);
            else
                BinaryPrimitives.WriteUInt64LittleEndian(b, value);
            _bytes.Write(b);
        }

        public void Bytes(ReadOnlySpan<byte> bytes) => _bytes.Write(bytes);

        public void Pad()
        {
            while (_bytes.Length % 4 != 0)
                _bytes.WriteByte(0);
        }

        public void Option(ushort code, byte[] value)
        {
            U16(code);
            U16((ushort)value.Length);
            Bytes(value);
            Pad();
        }

        public void EndOfOptions() => U32(0);

        public byte[] ToArray() => _bytes.ToArray();
    }
}
