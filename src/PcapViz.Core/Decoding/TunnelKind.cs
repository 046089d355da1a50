namespace PcapViz.Core.Decoding;

/// <summary>The tunnels and mirror encapsulations the decoder opens to reach the packet inside.</summary>
public enum TunnelKind : byte
{
    None = 0,
    /// <summary>IPv4 in IP (protocol 4).</summary>
    IpInIp,
    /// <summary>IPv6 in IP (protocol 41): 6in4, 6to4 and 6in6.</summary>
    Ipv6InIp,
    /// <summary>GRE carrying IP or MPLS.</summary>
    Gre,
    /// <summary>GRE carrying Ethernet frames (transparent Ethernet bridging, NVGRE).</summary>
    GreEthernet,
    /// <summary>Enhanced GRE (version 1) of PPTP, carrying PPP.</summary>
    Pptp,
    ErspanI,
    ErspanII,
    ErspanIII,
    Vxlan,
    Geneve,
    Teredo,
}

/// <summary>A packet's chain of tunnels, packed one kind a byte, outermost in the lowest.</summary>
public static class TunnelKinds
{
    /// <summary>How deep the decoder opens tunnels: a hostile capture nesting more is read down to this depth only.</summary>
    public const int MaxDepth = 8;

    public static string Name(TunnelKind kind) => kind switch
    {
        TunnelKind.IpInIp => "IP-in-IP",
        TunnelKind.Ipv6InIp => "IPv6-in-IP",
        TunnelKind.Gre => "GRE",
        TunnelKind.GreEthernet => "GRE-Ethernet",
        TunnelKind.Pptp => "PPTP",
        TunnelKind.ErspanI => "ERSPAN-I",
        TunnelKind.ErspanII => "ERSPAN-II",
        TunnelKind.ErspanIII => "ERSPAN-III",
        TunnelKind.Vxlan => "VXLAN",
        TunnelKind.Geneve => "Geneve",
        TunnelKind.Teredo => "Teredo",
        _ => kind.ToString(),
    };

    /// <summary>The chain as text, outermost first: "GRE > VXLAN".</summary>
    public static string Text(uint kinds)
    {
        var names = new List<string>(MaxDepth);
        for (; kinds != 0; kinds >>= 8)
            names.Add(Name((TunnelKind)(kinds & 0xFF)));
        return string.Join(" > ", names);
    }

    /// <summary>The outermost kind of the chain.</summary>
    public static TunnelKind Outermost(uint kinds) => (TunnelKind)(kinds & 0xFF);
}
