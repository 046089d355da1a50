using System.Globalization;
using PcapViz.Core.Flows;

namespace PcapViz.Core.Topology;

/// <summary>How nodes are named at each layer, as Wireshark and PcapViz write them.</summary>
public static class NodeIds
{
    public static string Mac(ulong mac)
    {
        Span<char> text = stackalloc char[17];
        for (int i = 0; i < 6; i++)
        {
            byte octet = (byte)(mac >> (40 - 8 * i));
            text[i * 3] = "0123456789abcdef"[octet >> 4];
            text[i * 3 + 1] = "0123456789abcdef"[octet & 0xF];
            if (i < 5)
                text[i * 3 + 2] = ':';
        }
        return new string(text);
    }

    public static string SourceIp(in FlowKey key) => FlowKey.ToAddress(key.IpVersion, key.SourceHigh, key.SourceLow).ToString();

    public static string DestinationIp(in FlowKey key) => FlowKey.ToAddress(key.IpVersion, key.DestinationHigh, key.DestinationLow).ToString();

    public static string Endpoint(string address, byte ipVersion, ushort port) =>
        ipVersion == 6
            ? "[" + address + "]:" + port.ToString(CultureInfo.InvariantCulture)
            : address + ":" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Layer 4 keeps only TCP and UDP directly on the outermost IP header.</summary>
    public static bool HasLayer4(in FlowKey key) => key.HasIp && key.HasPorts && key.Protocol is 6 or 17;
}
