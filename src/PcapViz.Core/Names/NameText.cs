using System.Runtime.CompilerServices;

namespace PcapViz.Core.Names;

/// <summary>
/// Turns attacker-written name bytes into harmless text: printable ASCII (0x21-0x7E) as itself, anything else as
/// <c>\DDD</c> (three decimal digits, RFC 1035 master-file style, as Wireshark shows DNS labels), and a backslash as
/// <c>\\</c> so that the escape cannot be forged. Inside a DNS label a dot is written <c>\.</c> so labels stay apart.
/// </summary>
internal static class NameText
{
    /// <summary>The most characters one wire byte can become.</summary>
    public const int MaxCharsPerByte = 4;

    /// <summary>Appends one byte; the caller guarantees room for <see cref="MaxCharsPerByte"/> characters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Append(byte b, Span<char> output, ref int position, bool lowerCase, bool inLabel)
    {
        if (b is >= 0x21 and <= 0x7E)
        {
            if (b == (byte)'\\' || (inLabel && b == (byte)'.'))
            {
                output[position++] = '\\';
                output[position++] = (char)b;
                return;
            }
            if (lowerCase && b is >= (byte)'A' and <= (byte)'Z')
                b = (byte)(b | 0x20);
            output[position++] = (char)b;
            return;
        }
        output[position++] = '\\';
        output[position++] = (char)('0' + b / 100);
        output[position++] = (char)('0' + b / 10 % 10);
        output[position++] = (char)('0' + b % 10);
    }

    /// <summary>Writes a whole name (not a DNS label sequence); returns the number of characters written.</summary>
    public static int Write(ReadOnlySpan<byte> bytes, Span<char> output, bool lowerCase)
    {
        int position = 0;
        foreach (byte b in bytes)
            Append(b, output, ref position, lowerCase, inLabel: false);
        return position;
    }
}
