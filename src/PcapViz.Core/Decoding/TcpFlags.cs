namespace PcapViz.Core.Decoding;

[Flags]
public enum TcpFlags : byte
{
    None = 0,
    FIN = 0x01,
    SYN = 0x02,
    RST = 0x04,
    PSH = 0x08,
    ACK = 0x10,
    URG = 0x20,
    ECE = 0x40,
    CWR = 0x80,
}

/// <summary>TCP flags as the text a flow carries ("SYN, ACK"), and back.</summary>
public static class TcpFlagsText
{
    public static string? Of(byte flags) => flags == 0 ? null : ((TcpFlags)flags).ToString();

    public static byte Parse(string? text) =>
        string.IsNullOrWhiteSpace(text) ? (byte)0 : (byte)Enum.Parse<TcpFlags>(text, ignoreCase: true);
}
