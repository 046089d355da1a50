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
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out int written);
        return written == 4
            ? IsInternal(4, 0, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b))
            : IsInternal(6, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(b), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(b[8..]));
    }

    /// <summary>As <see cref="IsInternal(IPAddress)"/>, for an address held as the decoder holds it (IPv4 in the low 32 bits).</summary>
    public static bool IsInternal(byte version, ulong high, ulong low)
    {
        if (version == 6 && high == 0 && (low >> 32) == 0xFFFF)
        {
            version = 4;
            low &= 0xFFFFFFFF;
        }
        if (version == 4)
        {
            uint a = (uint)low;
            byte b0 = (byte)(a >> 24), b1 = (byte)(a >> 16);
            return b0 switch
            {
                0 => true,                              // 0.0.0.0/8: unspecified, "this network"
                10 => true,                             // 10/8 private
                127 => true,                            // loopback
                100 => (b1 & 0xC0) == 64,               // 100.64/10 shared address space (CGNAT)
                169 => b1 == 254,                       // 169.254/16 link-local
                172 => (b1 & 0xF0) == 16,               // 172.16/12 private
                192 => b1 == 168,                       // 192.168/16 private
                >= 224 and <= 239 => true,              // 224/4 multicast
                255 => a == 0xFFFFFFFF,                 // limited broadcast
                _ => false,
            };
        }
        byte h0 = (byte)(high >> 56), h1 = (byte)(high >> 48);
        return (high == 0 && low <= 1)                  // :: unspecified, ::1 loopback
            || (h0 & 0xFE) == 0xFC                      // fc00::/7 unique local
            || (h0 == 0xFE && (h1 & 0xC0) == 0x80)      // fe80::/10 link-local
            || (h0 == 0xFE && (h1 & 0xC0) == 0xC0)      // fec0::/10 site-local (deprecated, still private)
            || h0 == 0xFF;                              // ff00::/8 multicast
    }

    /// <summary>Multicast (224/4, ff00::/8) or the limited broadcast: addresses no single host answers for.</summary>
    public static bool IsGroup(byte version, ulong high, ulong low)
    {
        if (version == 4 || (high == 0 && (low >> 32) == 0xFFFF))
        {
            uint a = (uint)low;
            return (a >> 28) == 0xE || a == 0xFFFFFFFF;
        }
        return (high >> 56) == 0xFF;
    }
}
