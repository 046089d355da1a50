namespace PcapViz;

/// <summary>The one conversion between capture time (Unix nanoseconds) and DateTimeOffset, clamped both ways.</summary>
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

    /// <summary>
    /// Nanoseconds since the Unix epoch, clamped to what a long holds (about the years 1677 to 2262): a -Before of
    /// 2300-01-01 means "no end", not an overflow that turns it into 1700 and drops every flow.
    /// </summary>
    public static long ToUnixNanoseconds(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks > long.MaxValue / 100 ? long.MaxValue : ticks < long.MinValue / 100 ? long.MinValue : ticks * 100;
    }
}
