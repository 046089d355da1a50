using System.Net;
using System.Net.Sockets;

namespace PcapViz.Core.Geo;

/// <summary>Which addresses belong to no place on the map: they are never looked up.</summary>
public static class AddressClass
{
    /// <summary>
    /// True for addresses that stay inside a site or a host: private (10/8, 172.16/12, 192.168/16),
    /// shared CGNAT space (100.64/10), IPv6 unique-local (fc00::/7) and site-local (fec0::/10), loopback,
    /// link-local (169.254/16, fe80::/10), multicast, the limited broadcast 255.255.255.255, the
    /// unspecified and "this network" addresses (0/8, ::), and IPv4-mapped IPv6 forms of all of these.
    /// </summary>
    public static bool IsInternal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] switch
            {
                0 => true,                              // 0.0.0.0/8: unspecified, "this network"
                10 => true,                             // 10/8 private
                127 => true,                            // loopback
                100 => (b[1] & 0xC0) == 64,             // 100.64/10 shared address space (CGNAT)
                169 => b[1] == 254,                     // 169.254/16 link-local
                172 => (b[1] & 0xF0) == 16,             // 172.16/12 private
                192 => b[1] == 168,                     // 192.168/16 private
                >= 224 and <= 239 => true,              // 224/4 multicast
                255 => b[1] == 255 && b[2] == 255 && b[3] == 255, // limited broadcast
                _ => false,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            bool zeroPrefix = !b[..15].ContainsAnyExcept((byte)0);
            return (zeroPrefix && b[15] <= 1)                  // :: unspecified, ::1 loopback
                || (b[0] & 0xFE) == 0xFC                       // fc00::/7 unique local
                || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)     // fe80::/10 link-local
                || (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)     // fec0::/10 site-local (deprecated, still private)
                || b[0] == 0xFF;                               // ff00::/8 multicast
        }

        return false;
    }
}
