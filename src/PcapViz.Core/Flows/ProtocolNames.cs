using PcapViz.Core.Decoding;

namespace PcapViz.Core.Flows;

/// <summary>
/// The names a flow's or an edge's protocols go by: IP protocols, the network protocols of frames without IP
/// (EtherType names), and applications (payload or well-known port). The one list -Protocol filters are checked against.
/// </summary>
public static class ProtocolNames
{
    /// <summary>An IP protocol number's name, or "IP-N" for one without.</summary>
    public static string IpProtocol(byte protocol) => protocol switch
    {
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        88 => "EIGRP",
        89 => "OSPF",
        103 => "PIM",
        112 => "VRRP",
        132 => "SCTP",
        _ => "IP-" + protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The protocols a flow carries, as flows, filters and edge labels name them: the network protocol for frames
    /// without IP, else the transport protocol and the application its payload identifies or, failing that, its
    /// well-known port names.
    /// </summary>
    public static (string Primary, string? Application) Of(in FlowKey key, PayloadProtocol payload)
    {
        if (!key.HasIp)
            return (EtherType.Name(key.EtherType), null);
        int application = WellKnownPorts.Application(key, payload);
        return (IpProtocol(key.Protocol), application == 0 ? null : WellKnownPorts.ApplicationName(application));
    }

    /// <summary>Every name a flow or edge can carry, sorted, besides the numbered forms ("IP-N", "0xXXXX").</summary>
    public static IReadOnlyList<string> Known { get; } = Enumerable.Range(0, 256).Select(p => IpProtocol((byte)p))
        .Concat(Enumerable.Range(0, 65536).Select(t => EtherType.Name((ushort)t)))
        .Concat(Enumerable.Range(1, WellKnownPorts.ApplicationCount).Select(WellKnownPorts.ApplicationName))
        .Where(name => !IsNumbered(name))
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .Order(StringComparer.OrdinalIgnoreCase)
        .ToArray();

    private static readonly HashSet<string> KnownSet = new(Known, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a flow or edge could carry the name (any case), numbered forms included.</summary>
    public static bool IsKnown(string name) => KnownSet.Contains(name) || IsNumbered(name);

    private static bool IsNumbered(string name) =>
        (name.StartsWith("IP-", StringComparison.OrdinalIgnoreCase) && byte.TryParse(name.AsSpan(3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        || (name.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && name.Length == 6 && ushort.TryParse(name.AsSpan(2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out _));
}
