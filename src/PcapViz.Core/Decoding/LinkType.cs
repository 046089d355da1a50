namespace PcapViz.Core.Decoding;

/// <summary>LINKTYPE_ values from the tcpdump.org registry, the ones we name or decode ourselves.</summary>
public static class LinkType
{
    public const int Null = 0;
    public const int Ethernet = 1;
    public const int Ppp = 9;
    public const int Fddi = 10;
    public const int RawBsd12 = 12;
    public const int RawOpenBsd14 = 14;
    public const int PppHdlc = 50;
    public const int PppEther = 51;
    public const int Raw = 101;
    public const int Ieee80211 = 105;
    public const int Loop = 108;
    public const int LinuxSll = 113;
    public const int Ieee80211Radiotap = 127;
    public const int Ppi = 192;
    public const int Ipv4 = 228;
    public const int Ipv6 = 229;
    public const int LinuxSll2 = 276;
    public const int TokenRing = 6;
    public const int AtmRfc1483 = 100;
    public const int CiscoHdlc = 104;
    public const int Enc = 109;
    public const int Prism = 119;
    public const int SunAtm = 123;
    public const int Avs = 163;
    public const int PkTap = 258;
    public const int PfLog = 117;
    public const int IpNet = 226;
    public const int NfLog = 239;

    public static string Name(int linkType) => linkType switch
    {
        Null => "Null",
        Ethernet => "Ethernet",
        Ppp => "PPP",
        Fddi => "FDDI",
        RawBsd12 or RawOpenBsd14 or Raw => "Raw",
        PppHdlc => "PPP-HDLC",
        PppEther => "PPPoE",
        Ieee80211 => "IEEE802_11",
        Loop => "Loop",
        LinuxSll => "LinuxSLL",
        Ieee80211Radiotap => "IEEE802_11_Radiotap",
        Ppi => "PPI",
        Ipv4 => "IPv4",
        Ipv6 => "IPv6",
        LinuxSll2 => "LinuxSLL2",
        TokenRing => "TokenRing",
        AtmRfc1483 => "ATM-RFC1483",
        CiscoHdlc => "CiscoHDLC",
        Enc => "ENC",
        Prism => "IEEE802_11_Prism",
        SunAtm => "SunATM",
        Avs => "IEEE802_11_AVS",
        PkTap => "PKTAP",
        PfLog => "PFLOG",
        IpNet => "IPNET",
        NfLog => "NFLOG",
        _ => "LinkType" + linkType.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>How a capture lists its link types: the name and the number, as in "Ethernet(1)".</summary>
    public static string Label(int linkType) => Name(linkType) + "(" + linkType.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";

    /// <summary>True for link types the zero-allocation path decodes itself.</summary>
    public static bool IsFastPath(int linkType) => linkType is Null or Ethernet or RawBsd12 or RawOpenBsd14 or Raw
        or Ieee80211 or Loop or LinuxSll or Ieee80211Radiotap or Ppi or Ipv4 or Ipv6 or LinuxSll2
        or Ppp or PppHdlc or PppEther or CiscoHdlc or Fddi or PfLog or IpNet or NfLog or TokenRing or AtmRfc1483 or SunAtm
        or Enc or Prism or Avs or PkTap;
}
