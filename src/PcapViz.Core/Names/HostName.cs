using System.Net;

namespace PcapViz.Core.Names;

/// <summary>Where in the capture a host name was read.</summary>
public enum NameSource : byte
{
    /// <summary>An A or AAAA record (or a CNAME leading to one) in a DNS, mDNS or LLMNR answer.</summary>
    Dns,
    /// <summary>The server_name of a TLS ClientHello, tied to the address the client connected to.</summary>
    Tls,
    /// <summary>The Host header of an HTTP request, tied to the address the request went to.</summary>
    Http,
    /// <summary>The host name option (12) of a DHCP message, tied to the client's address and hardware address.</summary>
    Dhcp,
}

/// <summary>
/// One name a capture gives a host. <see cref="Name"/> is the text from the wire: DNS, TLS and HTTP names are lower-cased,
/// and any byte outside printable ASCII (0x21-0x7E) is written <c>\DDD</c> (a backslash is <c>\\</c>, a dot inside a DNS label <c>\.</c>).
/// It is not escaped for HTML or XML.
/// </summary>
public sealed record HostName(string Name, NameSource Source);

/// <summary>The names of one IP address, first seen first.</summary>
public sealed record AddressNames(IPAddress Address, IReadOnlyList<HostName> Names);

/// <summary>The names of one hardware address (48 bits, as in <c>FlowKey.SourceMac</c>; <c>NodeIds.Mac</c> writes it as text), first seen first.</summary>
public sealed record MacNames(ulong Mac, IReadOnlyList<HostName> Names);
