namespace PcapViz.Core.Flows;

/// <summary>A guess at the application from well-known ports, as a first hint for an analyst; no payload is inspected.</summary>
public static class WellKnownPorts
{
    private static readonly Dictionary<int, string> Tcp = new()
    {
        [20] = "FTP-DATA", [21] = "FTP", [22] = "SSH", [23] = "Telnet", [25] = "SMTP", [53] = "DNS", [80] = "HTTP", [88] = "Kerberos",
        [110] = "POP3", [111] = "RPC", [135] = "MSRPC", [139] = "NetBIOS-SSN", [143] = "IMAP", [179] = "BGP", [389] = "LDAP",
        [443] = "TLS", [445] = "SMB", [465] = "SMTPS", [514] = "RSH", [587] = "SMTP", [636] = "LDAPS", [853] = "DoT", [873] = "rsync",
        [993] = "IMAPS", [995] = "POP3S", [1080] = "SOCKS", [1433] = "MSSQL", [1521] = "Oracle", [1723] = "PPTP", [1883] = "MQTT",
        [2049] = "NFS", [3128] = "HTTP-Proxy", [3268] = "LDAP-GC", [3306] = "MySQL", [3389] = "RDP", [4444] = "Metasploit",
        [5060] = "SIP", [5061] = "SIPS", [5222] = "XMPP", [5432] = "PostgreSQL", [5900] = "VNC", [5985] = "WinRM", [5986] = "WinRM-TLS",
        [6379] = "Redis", [6667] = "IRC", [8000] = "HTTP-Alt", [8080] = "HTTP-Alt", [8443] = "HTTPS-Alt", [8883] = "MQTTS", [9001] = "Tor", [9050] = "Tor-SOCKS",
        [9200] = "Elasticsearch", [11211] = "Memcached", [27017] = "MongoDB",
    };

    private static readonly Dictionary<int, string> Udp = new()
    {
        [53] = "DNS", [67] = "DHCP", [68] = "DHCP", [69] = "TFTP", [123] = "NTP", [137] = "NetBIOS-NS", [138] = "NetBIOS-DGM",
        [161] = "SNMP", [162] = "SNMP-Trap", [427] = "SLP", [443] = "QUIC", [500] = "IKE", [514] = "Syslog", [520] = "RIP", [546] = "DHCPv6",
        [547] = "DHCPv6", [1194] = "OpenVPN", [1900] = "SSDP", [3478] = "STUN", [3544] = "Teredo", [4500] = "IPsec-NAT-T",
        [4789] = "VXLAN", [6081] = "Geneve", [8472] = "VXLAN", [5353] = "mDNS", [5355] = "LLMNR", [5060] = "SIP", [8612] = "BJNP", [17500] = "Dropbox-LAN-Sync", [51820] = "WireGuard",
    };

    /// <summary>Every service name above, numbered from 1, so hot loops over millions of flows index arrays instead of hashing.</summary>
    private static readonly string[] ApplicationNames;
    private static readonly byte[] TcpApplications = new byte[65536];
    private static readonly byte[] UdpApplications = new byte[65536];

    static WellKnownPorts()
    {
        var names = new List<string> { "" };
        foreach (var (table, index) in new[] { (Tcp, TcpApplications), (Udp, UdpApplications) })
        {
            foreach (var (port, name) in table)
            {
                int number = names.IndexOf(name);
                if (number < 0)
                {
                    number = names.Count;
                    names.Add(name);
                }
                index[port] = checked((byte)number);
            }
        }
        ApplicationNames = names.ToArray();
        PayloadNumbers = new int[256];
        foreach (var protocol in Enum.GetValues<PayloadProtocol>().Where(PayloadProtocols.IsIdentified))
            PayloadNumbers[(int)protocol] = Array.IndexOf(ApplicationNames, protocol == PayloadProtocol.MailOrFtp ? "SMTP" : PayloadProtocols.Name(protocol));
    }

    /// <summary>How many service names <see cref="Application"/> can return (numbers 1 to this).</summary>
    public static int ApplicationCount => ApplicationNames.Length - 1;

    /// <summary>
    /// The number of the service behind the conversation's well-known port, the destination's first, or 0: the same
    /// answer as <see cref="Guess"/>, without a string.
    /// </summary>
    public static int Application(byte protocol, ushort sourcePort, ushort destinationPort)
    {
        var index = protocol switch
        {
            6 => TcpApplications,
            17 => UdpApplications,
            _ => null,
        };
        if (index is null)
            return 0;
        int number = index[destinationPort];
        return number != 0 ? number : index[sourcePort];
    }

    public static string ApplicationName(int number) => ApplicationNames[number];

    /// <summary>
    /// Whether a UDP port is a service's own, as a system port or one named here: a tunnel on the other port of the
    /// datagram yields to it, as Wireshark's UDP dissector tries the lower port first.
    /// </summary>
    public static bool IsServiceUdpPort(ushort port) => port < 1024 || UdpApplications[port] != 0;

    /// <summary>
    /// The number of the application a flow carries: what its first payload bytes identify, else what its
    /// well-known port suggests, or 0. The one answer Get-PcapFlow's Application and the topology's edge protocols give.
    /// </summary>
    public static int Application(in FlowKey key, PayloadProtocol payload)
    {
        if (!key.HasPorts)
            return 0;
        int byPort = Application(key.Protocol, key.SourcePort, key.DestinationPort);
        if (!PayloadProtocols.IsIdentified(payload))
            return byPort;
        // A greeting says SMTP or FTP without saying which; the port tells them apart.
        if (payload == PayloadProtocol.MailOrFtp && byPort != 0 && ApplicationNames[byPort] is "SMTP" or "FTP" or "SMTPS")
            return byPort;
        return PayloadNumbers[(int)payload];
    }

    /// <summary>Application numbers of the identified payload protocols, by the names the port tables give them.</summary>
    private static readonly int[] PayloadNumbers;

    /// <summary>The service behind the conversation's well-known port, the destination's first, or null.</summary>
    public static string? Guess(byte protocol, int sourcePort, int destinationPort)
    {
        if ((uint)sourcePort > ushort.MaxValue || (uint)destinationPort > ushort.MaxValue)
            return null;
        int number = Application(protocol, (ushort)sourcePort, (ushort)destinationPort);
        return number == 0 ? null : ApplicationNames[number];
    }
}
