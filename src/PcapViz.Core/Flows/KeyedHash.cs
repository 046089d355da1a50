using System.Runtime.CompilerServices;

namespace PcapViz.Core.Flows;

/// <summary>
/// Hash codes for keys a capture's author chose (addresses, ports, link addresses). Fields are mixed one after another
/// from a secret seed drawn per process, so a crafted capture cannot line millions of keys up on one probe chain and
/// turn a lookup table into a quadratic scan, as it can when fields are combined linearly with fixed constants.
/// </summary>
internal static class KeyedHash
{
    /// <summary>Two independent starting points, for keys hashed as two chains that the processor runs side by side.</summary>
    public static readonly ulong Seed = (ulong)Random.Shared.NextInt64();
    public static readonly ulong SecondSeed = (ulong)Random.Shared.NextInt64();

    /// <summary>One step of a chain: a bijection of the state for a fixed value, so keys that differ in one field never meet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong state, ulong value)
    {
        state = (state ^ value) * 0x9E3779B97F4A7C15UL;
        return state ^ (state >> 29);
    }

    /// <summary>The hash of an address (two 64-bit halves) and what else tells its keys apart (version, port, layer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(ulong low, ulong high, ulong rest) => Finish(Add(Add(Add(Seed, low), high), rest));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Finish(ulong state)
    {
        state *= 0xBF58476D1CE4E5B9UL;
        return (int)(state ^ (state >> 32));
    }
}
