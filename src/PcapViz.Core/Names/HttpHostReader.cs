namespace PcapViz.Core.Names;

/// <summary>
/// Reads the Host header of an HTTP/1.x request at the start of a TCP segment. Nothing is reassembled: the header
/// is taken only when its line ends within the segment. A port is dropped; an address literal is no name and is skipped.
/// </summary>
internal static class HttpHostReader
{
    /// <summary>Request headers are looked for this far into a segment.</summary>
    private const int MaxHeaderBytes = 16 * 1024;

    private static ReadOnlySpan<byte> HostPrefix => "host:"u8;

    public static void Read(ReadOnlySpan<byte> payload, in AddressKey server, HostNameCollector sink)
    {
        if (!StartsWithMethod(payload))
            return;
        var headers = payload[..Math.Min(payload.Length, MaxHeaderBytes)];
        int lineEnd = headers.IndexOf((byte)'\n');
        // The request line must end with an HTTP version, or this is not an HTTP request.
        if (lineEnd < 0 || !EndsWithVersion(TrimEnd(headers[..lineEnd])))
            return;
        int position = lineEnd + 1;
        while (position < headers.Length)
        {
            int length = headers[position..].IndexOf((byte)'\n');
            if (length < 0)
                return;
            var line = TrimEnd(headers.Slice(position, length));
            position += length + 1;
            if (line.IsEmpty)
                return;
            if (line.Length > HostPrefix.Length && StartsWithIgnoringCase(line, HostPrefix))
            {
                Take(line[HostPrefix.Length..].Trim(" \t"u8), server, sink);
                return;
            }
        }
    }

    private static void Take(ReadOnlySpan<byte> value, in AddressKey server, HostNameCollector sink)
    {
        if (value.IsEmpty || value[0] == (byte)'[')
            return;
        int colon = value.LastIndexOf((byte)':');
        if (colon >= 0 && value[(colon + 1)..].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
            value = value[..colon];
        if (value.IsEmpty || value.Length > HostNameCollector.MaxNameBytes)
            return;
        // Digits and dots alone are an IPv4 literal, which adds nothing to the address it was sent to.
        if (value.IndexOfAnyExcept("0123456789."u8) < 0)
            return;
        Span<char> text = stackalloc char[HostNameCollector.MaxNameChars];
        sink.AddName(server, text[..NameText.Write(value, text, lowerCase: true)], NameSource.Http);
    }

    private static bool StartsWithMethod(ReadOnlySpan<byte> payload) =>
        payload.StartsWith("GET "u8) || payload.StartsWith("POST "u8) || payload.StartsWith("HEAD "u8)
        || payload.StartsWith("PUT "u8) || payload.StartsWith("DELETE "u8) || payload.StartsWith("OPTIONS "u8)
        || payload.StartsWith("CONNECT "u8) || payload.StartsWith("PATCH "u8) || payload.StartsWith("TRACE "u8);

    private static bool EndsWithVersion(ReadOnlySpan<byte> requestLine) =>
        requestLine.Length >= 10 && requestLine[^9..^1].SequenceEqual(" HTTP/1."u8) && char.IsAsciiDigit((char)requestLine[^1]);

    private static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> line) => line.TrimEnd((byte)'\r');

    private static bool StartsWithIgnoringCase(ReadOnlySpan<byte> line, ReadOnlySpan<byte> lowerPrefix)
    {
        for (int i = 0; i < lowerPrefix.Length; i++)
        {
            byte b = line[i];
            if (b is >= (byte)'A' and <= (byte)'Z')
                b |= 0x20;
            if (b != lowerPrefix[i])
                return false;
        }
        return true;
    }
}
