using System.Net;
using System.Net.Sockets;
using PcapViz.Core.Flows;

namespace PcapViz.Core.Names;

/// <summary>An IP address as the decoder holds it: version and two 64-bit halves (IPv4 in the low 32 bits of <see cref="Low"/>).</summary>
internal readonly struct AddressKey : IEquatable<AddressKey>
{
    public readonly ulong High;
    public readonly ulong Low;
    public readonly byte Version;

    public AddressKey(byte version, ulong high, ulong low)
    {
        Version = version;
        High = high;
        Low = low;
    }

    public static AddressKey V4(uint address) => new(4, 0, address);

    public static AddressKey? From(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork && address.TryWriteBytes(bytes, out _))
            return V4(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes));
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.TryWriteBytes(bytes, out _))
            return new AddressKey(6, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        return null;
    }

    public IPAddress ToIPAddress() => FlowKey.ToAddress(Version, High, Low);

    public bool Equals(AddressKey other) => Low == other.Low && High == other.High && Version == other.Version;

    public override bool Equals(object? obj) => obj is AddressKey other && Equals(other);

    public override int GetHashCode() => KeyedHash.Of(Low, High, Version);

    public override string ToString() => ToIPAddress().ToString();
}
