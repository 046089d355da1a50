using System.Buffers.Binary;

namespace PcapViz.Core.Names;

/// <summary>
/// Reads the server_name extension (RFC 6066) of a TLS ClientHello at the start of a TCP segment. Nothing is
/// reassembled: the name is read when it lies within this segment (and within the record and handshake lengths).
/// </summary>
internal static class TlsClientHelloReader
{
    public const byte HandshakeRecord = 0x16;
    private const byte ClientHello = 1;
    private const ushort ServerNameExtension = 0;
    private const byte HostNameType = 0;

    public static void Read(ReadOnlySpan<byte> payload, in AddressKey server, HostNameCollector sink)
    {
        // Record header: type, version (3.x), length; then the handshake header: type, 24-bit length.
        if (payload.Length < 9 || payload[0] != HandshakeRecord || payload[1] != 3 || payload[5] != ClientHello)
            return;
        int recordEnd = 5 + BinaryPrimitives.ReadUInt16BigEndian(payload.Slice(3, 2));
        int handshakeEnd = 9 + ((payload[6] << 16) | (payload[7] << 8) | payload[8]);
        var hello = payload[..Math.Min(payload.Length, Math.Min(recordEnd, handshakeEnd))];

        int position = 9 + 2 + 32; // client_version, random
        if (!Skip8(hello, ref position) || !Skip16(hello, ref position) || !Skip8(hello, ref position))
            return; // session_id, cipher_suites, compression_methods
        if (hello.Length - position < 2)
            return;
        int extensionsEnd = Math.Min(hello.Length, position + 2 + BinaryPrimitives.ReadUInt16BigEndian(hello.Slice(position, 2)));
        position += 2;
        while (extensionsEnd - position >= 4)
        {
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(hello.Slice(position, 2));
            int length = BinaryPrimitives.ReadUInt16BigEndian(hello.Slice(position + 2, 2));
            position += 4;
            if (type == ServerNameExtension)
            {
                ReadServerNames(hello.Slice(position, Math.Min(length, extensionsEnd - position)), server, sink);
                return;
            }
            position += length;
        }
    }

    private static void ReadServerNames(ReadOnlySpan<byte> extension, in AddressKey server, HostNameCollector sink)
    {
        if (extension.Length < 2)
            return;
        int end = Math.Min(extension.Length, 2 + BinaryPrimitives.ReadUInt16BigEndian(extension));
        int position = 2;
        Span<char> text = stackalloc char[HostNameCollector.MaxNameChars];
        while (end - position >= 3)
        {
            byte nameType = extension[position];
            int length = BinaryPrimitives.ReadUInt16BigEndian(extension.Slice(position + 1, 2));
            position += 3;
            // A name cut off by the end of the segment would be a wrong name: take only whole ones.
            if (length > end - position)
                return;
            if (nameType == HostNameType && length is > 0 and <= HostNameCollector.MaxNameBytes)
                sink.AddName(server, text[..NameText.Write(extension.Slice(position, length), text, lowerCase: true)], NameSource.Tls);
            position += length;
        }
    }

    private static bool Skip8(ReadOnlySpan<byte> data, ref int position)
    {
        if (data.Length - position < 1)
            return false;
        position += 1 + data[position];
        return position <= data.Length;
    }

    private static bool Skip16(ReadOnlySpan<byte> data, ref int position)
    {
        if (data.Length - position < 2)
            return false;
        position += 2 + BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position, 2));
        return position <= data.Length;
    }
}
