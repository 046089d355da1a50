using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Net;
using System.Runtime.CompilerServices;
using PcapViz.Core.Decoding;

namespace PcapViz.Core.Names;

/// <summary>
/// Learns host names from what a capture already says, without sending a packet: DNS, mDNS and LLMNR answers
/// (A and AAAA, through CNAME chains), TLS ClientHello server names, HTTP Host headers and DHCP host names.
/// It also counts DNS query names, which shows DNS tunnels.
/// </summary>
/// <remarks>
/// <see cref="Observe"/> is meant to be called for every packet: a packet that cannot carry a name is dismissed on its
/// protocol, ports or first payload byte, with no allocation. Nothing is reassembled: a TLS ClientHello or HTTP request
/// is read from the first segment, and DNS over TCP only when the whole message is in one segment.
/// Memory grows with distinct names and addresses, never with packets, and every table has a cap.
/// An instance is not thread-safe: use one per capture and <see cref="Merge"/> them.
/// </remarks>
public sealed class HostNameCollector
{
    public const int DefaultMaxNamesPerAddress = 16;
    public const int DefaultMaxAddresses = 1_000_000;
    public const int DefaultMaxQueryNames = 1_000_000;

    /// <summary>No name longer than this many bytes (DNS's own limit on a whole name) is read from TLS, HTTP or DHCP.</summary>
    internal const int MaxNameBytes = 255;
    /// <summary>Characters enough for any name we keep, every byte escaped.</summary>
    internal const int MaxNameChars = 1024;

    private const ushort DnsPort = 53, MdnsPort = 5353, LlmnrPort = 5355;
    private const ushort DhcpServerPort = 67, DhcpClientPort = 68;

    private readonly int _maxNamesPerAddress;
    private readonly int _maxAddresses;
    private readonly int _maxQueryNames;

    // Insertion-ordered tables: the index maps a key to its slot in the ordered list.
    private readonly Dictionary<AddressKey, int> _addressIndex = new();
    private readonly List<(AddressKey Address, List<HostName> Names)> _addresses = new();
    private readonly Dictionary<ulong, int> _macIndex = new();
    private readonly List<(ulong Mac, List<HostName> Names)> _macs = new();
    /// <summary>One string and one <see cref="HostName"/> per (name, source), shared by every address that has it.</summary>
    private readonly SpanKeyedTable<HostName?[]> _pool = new();
    private readonly SpanKeyedTable<long> _queries = new();
    private readonly DnsMessageParser _dns;

    private Dictionary<string, long>? _queriesView;

    /// <summary>DNS questions and answers on port 53 by client and registered domain, for tunnel detection.</summary>
    public DnsActivity Dns { get; } = new();

    public HostNameCollector()
        : this(DefaultMaxNamesPerAddress, DefaultMaxAddresses, DefaultMaxQueryNames)
    {
    }

    /// <param name="maxNamesPerAddress">Names kept per IP or hardware address; the first seen are kept.</param>
    /// <param name="maxAddresses">IP addresses (and, separately, hardware addresses) that can hold names.</param>
    /// <param name="maxQueryNames">Distinct DNS query names counted; further new names are counted in <see cref="QueriesDropped"/>.</param>
    public HostNameCollector(int maxNamesPerAddress, int maxAddresses, int maxQueryNames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNamesPerAddress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAddresses);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxQueryNames);
        _maxNamesPerAddress = maxNamesPerAddress;
        _maxAddresses = maxAddresses;
        _maxQueryNames = maxQueryNames;
        _dns = new DnsMessageParser(this);
    }

    /// <summary>
    /// Times a name was not kept because its address already had its share of names or the address table was full.
    /// A sign that a cap was reached: a name seen again is counted again, so after <see cref="Merge"/> it is not an exact count.
    /// </summary>
    public long NamesDropped { get; private set; }

    /// <summary>DNS questions not counted because <see cref="DnsQueries"/> already held its cap of distinct names.</summary>
    public long QueriesDropped { get; private set; }

    /// <summary>IP addresses with at least one name.</summary>
    public int AddressCount => _addresses.Count;

    /// <summary>Hardware addresses with at least one name.</summary>
    public int MacCount => _macs.Count;

    /// <summary>Every IP address with names, in the order the addresses were first named.</summary>
    public IEnumerable<AddressNames> Addresses
    {
        get
        {
            foreach (var (address, names) in _addresses)
                yield return new AddressNames(address.ToIPAddress(), names.AsReadOnly());
        }
    }

    /// <summary>Every hardware address with names (from DHCP), in the order first named.</summary>
    public IEnumerable<MacNames> Macs
    {
        get
        {
            foreach (var (mac, names) in _macs)
                yield return new MacNames(mac, names.AsReadOnly());
        }
    }

    /// <summary>How many times each name was asked in a DNS, mDNS or LLMNR query (each question counts once).</summary>
    public IReadOnlyDictionary<string, long> DnsQueries
    {
        get
        {
            if (_queriesView is null)
            {
                var view = new Dictionary<string, long>(_queries.Count, StringComparer.Ordinal);
                for (int i = 0; i < _queries.Count; i++)
                    view.Add(_queries.KeyAt(i), _queries.ValueAt(i));
                _queriesView = view;
            }
            return _queriesView;
        }
    }

    /// <summary>The names of an IP address, first seen first; empty when it has none.</summary>
    public IReadOnlyList<HostName> NamesFor(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var key = AddressKey.From(address);
        if (key is null || !_addressIndex.TryGetValue(key.Value, out int slot))
            return Array.Empty<HostName>();
        return _addresses[slot].Names.AsReadOnly();
    }

    /// <summary>The names of a hardware address (48 bits in a ulong, as the decoder holds it); empty when it has none.</summary>
    public IReadOnlyList<HostName> NamesForMac(ulong mac)
    {
        if (!_macIndex.TryGetValue(mac, out int slot))
            return Array.Empty<HostName>();
        return _macs[slot].Names.AsReadOnly();
    }

    /// <summary>Reads the names one decoded packet carries, if any. Never throws on packet content.</summary>
    public void Observe(ReadOnlySpan<byte> packetData, in DecodedPacket packet, long timestampNs = 0)
    {
        if ((packet.Flags & PacketFlags.HasPorts) == 0 || packet.PayloadLength <= 0)
            return;
        int offset = packet.PayloadOffset, length = packet.PayloadLength;
        if ((uint)offset > (uint)packetData.Length || (uint)length > (uint)(packetData.Length - offset))
            return;
        _dns.TimestampNs = timestampNs;
        if (packet.Protocol == 17)
            ObserveUdp(packetData.Slice(offset, length), packet);
        else if (packet.Protocol == 6)
            ObserveTcp(packetData.Slice(offset, length), packet);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDnsPort(ushort port) => port is DnsPort or MdnsPort or LlmnrPort;

    private void ObserveUdp(ReadOnlySpan<byte> payload, in DecodedPacket packet)
    {
        ushort source = packet.SourcePort, destination = packet.DestinationPort;
        bool fromServer = IsDnsPort(source), toServer = IsDnsPort(destination);
        if (fromServer || toServer)
        {
            // Answers are believed only from a DNS port, questions counted only towards one.
            SetDnsActivity(packet, source == DnsPort || destination == DnsPort);
            _dns.Parse(payload, takeAnswers: fromServer, countQuestions: toServer);
            return;
        }
        if (source is DhcpServerPort or DhcpClientPort && destination is DhcpServerPort or DhcpClientPort)
            DhcpReader.Read(payload, this);
    }

    private void ObserveTcp(ReadOnlySpan<byte> payload, in DecodedPacket packet)
    {
        ushort source = packet.SourcePort, destination = packet.DestinationPort;
        if (source == DnsPort || destination == DnsPort)
        {
            // DNS over TCP: a two-byte length, then the message; read only when the whole message is here.
            if (payload.Length >= 2 + 12)
            {
                int length = BinaryPrimitives.ReadUInt16BigEndian(payload);
                SetDnsActivity(packet, unicastDns: true);
                if (length >= 12 && length <= payload.Length - 2)
                    _dns.Parse(payload.Slice(2, length), takeAnswers: source == DnsPort, countQuestions: destination == DnsPort);
            }
            return;
        }
        byte first = payload[0];
        if (first == TlsClientHelloReader.HandshakeRecord)
            TlsClientHelloReader.Read(payload, new AddressKey(packet.IpVersion, packet.DestinationHigh, packet.DestinationLow), this);
        else if (first is >= (byte)'A' and <= (byte)'Z')
            HttpHostReader.Read(payload, new AddressKey(packet.IpVersion, packet.DestinationHigh, packet.DestinationLow), this);
    }

    /// <summary>Only unicast DNS (port 53) is tunnel evidence: mDNS and LLMNR names stay on the link.</summary>
    private void SetDnsActivity(in DecodedPacket packet, bool unicastDns)
    {
        _dns.Activity = unicastDns ? Dns : null;
        _dns.PacketSource = new AddressKey(packet.IpVersion, packet.SourceHigh, packet.SourceLow);
        _dns.PacketDestination = new AddressKey(packet.IpVersion, packet.DestinationHigh, packet.DestinationLow);
    }

    /// <summary>
    /// Adds every name of <paramref name="other"/> after the names already here, and sums the query counts.
    /// Merging is associative (the grouping does not matter, only the order of the captures): the names kept per address
    /// are the first distinct ones of the captures in order, exactly as if one collector had seen them all. Only the
    /// query counts and the dropped counters can differ once a cap has been reached.
    /// </summary>
    public void Merge(HostNameCollector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
            throw new ArgumentException("A collector cannot be merged into itself.", nameof(other));
        foreach (var (address, names) in other._addresses)
        {
            foreach (var name in names)
                AddName(address, name.Name, name.Source, name);
        }
        foreach (var (mac, names) in other._macs)
        {
            foreach (var name in names)
                AddMacName(mac, name.Name, name.Source, name);
        }
        for (int i = 0; i < other._queries.Count; i++)
            CountQuery(other._queries.KeyAt(i), other._queries.ValueAt(i), other._queries.KeyAt(i));
        NamesDropped += other.NamesDropped;
        QueriesDropped += other.QueriesDropped;
        Dns.Merge(other.Dns);
    }

    internal void AddName(in AddressKey address, ReadOnlySpan<char> name, NameSource source, HostName? known = null)
    {
        if (name.IsEmpty)
            return;
        if (!_addressIndex.TryGetValue(address, out int slot))
        {
            if (_addresses.Count >= _maxAddresses)
            {
                NamesDropped++;
                return;
            }
            slot = _addresses.Count;
            _addresses.Add((address, new List<HostName>(2)));
            _addressIndex.Add(address, slot);
        }
        AddTo(_addresses[slot].Names, name, source, known);
    }

    internal void AddMacName(ulong mac, ReadOnlySpan<char> name, NameSource source, HostName? known = null)
    {
        if (name.IsEmpty)
            return;
        if (!_macIndex.TryGetValue(mac, out int slot))
        {
            if (_macs.Count >= _maxAddresses)
            {
                NamesDropped++;
                return;
            }
            slot = _macs.Count;
            _macs.Add((mac, new List<HostName>(2)));
            _macIndex.Add(mac, slot);
        }
        AddTo(_macs[slot].Names, name, source, known);
    }

    private void AddTo(List<HostName> names, ReadOnlySpan<char> name, NameSource source, HostName? known)
    {
        foreach (var existing in names)
        {
            if (existing.Source == source && name.SequenceEqual(existing.Name))
                return;
        }
        if (names.Count >= _maxNamesPerAddress)
        {
            NamesDropped++;
            return;
        }
        names.Add(Intern(name, source, known));
    }

    private HostName Intern(ReadOnlySpan<char> name, NameSource source, HostName? known)
    {
        int index = known is null ? _pool.GetOrAdd(name, out _) : _pool.GetOrAdd(known.Name, out _);
        ref var bySource = ref _pool.ValueAt(index);
        bySource ??= new HostName?[4];
        return bySource[(int)source] ??= known ?? new HostName(_pool.KeyAt(index), source);
    }

    internal void CountQuery(ReadOnlySpan<char> name, long count = 1, string? known = null)
    {
        if (name.IsEmpty)
            return;
        ref long existing = ref _queries.Find(name);
        if (!Unsafe.IsNullRef(ref existing))
        {
            existing += count;
            _queriesView = null;
            return;
        }
        if (_queries.Count >= _maxQueryNames)
        {
            QueriesDropped += count;
            return;
        }
        int index = known is null ? _queries.GetOrAdd(name, out _) : _queries.GetOrAdd(known, out _);
        _queries.ValueAt(index) = count;
        _queriesView = null;
    }
}
