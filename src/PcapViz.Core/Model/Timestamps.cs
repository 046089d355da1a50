namespace PcapViz;

internal static class Timestamps
{
    private static readonly long MaxTicks = DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>Capture timestamps are attacker-writable; out-of-range values clamp instead of throwing.</summary>
    public static DateTimeOffset FromUnixNanoseconds(long ns)
    {
        long ticks = ns / 100;
        long minTicks = -DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(Math.Clamp(ticks, minTicks, MaxTicks));
    }
}
