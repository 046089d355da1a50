namespace PcapViz.Core.Decoding;

public static class EtherType
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort Rarp = 0x8035;
    public const ushort Vlan = 0x8100;
    public const ushort Ipv6 = 0x86DD;
    public const ushort Mpls = 0x8847;
    public const ushort MplsMulticast = 0x8848;
    public const ushort PppoeDiscovery = 0x8863;
    public const ushort PppoeSession = 0x8864;
    public const ushort Eapol = 0x888E;
    public const ushort QinQ = 0x88A8;
    public const ushort Lldp = 0x88CC;
    public const ushort QinQLegacy = 0x9100;
    public const ushort Ppp = 0x880B;
    /// <summary>Tags that sit between the link addresses and the EtherType, each followed by the real EtherType.</summary>
    public const ushort VnTag = 0x8926;
    public const ushort ETag = 0x893F;
    public const ushort CiscoMetaData = 0x8909;
    public const ushort RTag = 0xF1C1;
    /// <summary>802.1ah provider backbone bridging: a service tag, then the customer's own Ethernet header.</summary>
    public const ushort BackboneServiceTag = 0x88E7;
    /// <summary>Jumbo frames too long for a length field: LLC follows, as after an 802.3 length.</summary>
    public const ushort JumboLlc = 0x8870;
    /// <summary>Largest 802.3 length; 1501 to 1535 are neither lengths nor EtherTypes.</summary>
    public const ushort MaxLength = 1500;

    /// <summary>
    /// 802.3 frames carry a length, not a type; we file their LLC payload under values below 0x0600,
    /// which no real EtherType uses: the DSAP, or <see cref="SnapVendor"/> for SNAP with a vendor OUI.
    /// </summary>
    public const ushort SnapVendor = 0x05FF;
    /// <summary>802.11 frames that carry no EtherType: management, control, and data that is encrypted or empty.</summary>
    public const ushort Ieee80211Management = 0x05FE;
    public const ushort Ieee80211Control = 0x05FD;
    public const ushort Ieee80211ProtectedData = 0x05FC;
    public const ushort LlcStp = 0x0042;

    public static string Name(ushort etherType) => etherType switch
    {
        Ipv4 => "IPv4",
        Ipv6 => "IPv6",
        Arp => "ARP",
        Rarp => "RARP",
        Lldp => "LLDP",
        Eapol => "EAPOL",
        PppoeDiscovery => "PPPoED",
        PppoeSession => "PPPoE",
        Ppp => "PPP",
        Mpls or MplsMulticast => "MPLS",
        0x88CA => "TIPC",
        0x8809 => "LACP",
        0x88F7 => "PTP",
        0x8899 => "RRCP",
        0x9000 => "LOOP",
        0x88E5 => "MACsec",
        0x8902 => "CFM",
        0x0842 => "WoL",
        LlcStp => "STP",
        SnapVendor => "SNAP",
        Ieee80211Management => "802.11-MGMT",
        Ieee80211Control => "802.11-CTRL",
        Ieee80211ProtectedData => "802.11-DATA",
        0x00E0 => "IPX",
        0x00F0 => "NetBIOS",
        0x00FE => "ISIS",
        0 => "Unknown",
        < 0x0600 => "LLC",
        _ => "0x" + etherType.ToString("X4", System.Globalization.CultureInfo.InvariantCulture),
    };
}
