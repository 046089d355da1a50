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

    /// <summary>
    /// An address as text: IPv4 dotted; IPv6 in RFC 5952's canonical form, all hexadecimal, as Wireshark and Python
    /// write ISATAP and IPv4-compatible addresses (.NET alone writes fe80::5efe:10.0.0.1). One spelling per address, so
    /// node ids match other tools' and each other's.
    /// </summary>
    public static string Address(byte ipVersion, ulong high, ulong low)
    {
        if (ipVersion != 6)
            return FlowKey.ToAddress(ipVersion, high, low).ToString();
        Span<ushort> groups = stackalloc ushort[8];
        for (int i = 0; i < 4; i++)
        {
            groups[i] = (ushort)(high >> (48 - 16 * i));
            groups[4 + i] = (ushort)(low >> (48 - 16 * i));
        }
        // The longest run of two or more zero groups (the first of equals) becomes "::".
        int runStart = -1, runLength = 0;
        for (int i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0)
                i++;
            if (i - start > runLength && i - start >= 2)
                (runStart, runLength) = (start, i - start);
        }
        var text = new System.Text.StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == runStart)
            {
                text.Append("::");
                i += runLength - 1;
                continue;
            }
            if (text.Length > 0 && text[^1] != ':')
                text.Append(':');
            text.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    public static string Endpoint(string address, byte ipVersion, ushort port) =>
        ipVersion == 6
            ? "[" + address + "]:" + port.ToString(CultureInfo.InvariantCulture)
            : address + ":" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Orders node ids as people read addresses: IPv4 before IPv6, each by value (so 65.212.129.168 comes before
    /// 192.168.0.116), an endpoint by address then port, MAC addresses by value, anything else by its text.
    /// </summary>
    public static IComparer<string> Order { get; } = Comparer<string>.Create(CompareIds);

    private static int CompareIds(string? x, string? y)
    {
        var (familyX, valueX, portX) = SortKey(x ?? "");
        var (familyY, valueY, portY) = SortKey(y ?? "");
        int order = familyX.CompareTo(familyY);
        if (order == 0)
            order = valueX.CompareTo(valueY);
        if (order == 0)
            order = portX.CompareTo(portY);
        return order != 0 ? order : string.CompareOrdinal(x, y);
    }

    private static (int Family, UInt128 Value, int Port) SortKey(string id)
    {
        const int ipv4 = 0, ipv6 = 1, mac = 2, other = 3;
        string address = id;
        int port = -1;
        if (id.StartsWith('[') && id.IndexOf("]:", StringComparison.Ordinal) is > 0 and var close)
            (address, port) = (id[1..close], int.TryParse(id.AsSpan(close + 2), NumberStyles.None, CultureInfo.InvariantCulture, out int p6) ? p6 : -1);
        else if (id.IndexOf(':') is > 0 and var colon && colon == id.LastIndexOf(':') && int.TryParse(id.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int p4))
            (address, port) = (id[..colon], p4);
        if (System.Net.IPAddress.TryParse(address, out var ip))
        {
            var bytes = ip.GetAddressBytes();
            UInt128 value = 0;
            foreach (byte b in bytes)
                value = (value << 8) | b;
            return (bytes.Length == 4 ? ipv4 : ipv6, value, port);
        }
        if (Topology.TopologyInput.TryParseMac(id, out ulong macValue))
            return (mac, macValue, -1);
        return (other, 0, -1);
    }

    /// <summary>Layer 4 keeps only TCP and UDP directly on the outermost IP header.</summary>
    public static bool HasLayer4(in FlowKey key) => key.HasIp && key.HasPorts && key.Protocol is 6 or 17;
}
