using System.Globalization;

namespace PcapViz.Core.Tests;

public sealed class UnitsTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(1000, "1.0 kB")]
    [InlineData(1049, "1.0 kB")]
    [InlineData(1050, "1.1 kB")]
    [InlineData(4200, "4.2 kB")]
    [InlineData(43_000, "43.0 kB")]
    [InlineData(99_949, "99.9 kB")]
    [InlineData(99_950, "100 kB")]
    [InlineData(999_499, "999 kB")]
    [InlineData(999_500, "1.0 MB")]
    [InlineData(1_000_000, "1.0 MB")]
    [InlineData(1_234_567, "1.2 MB")]
    [InlineData(999_500_000, "1.0 GB")]
    [InlineData(5_100_000_000, "5.1 GB")]
    [InlineData(2_000_000_000_000, "2.0 TB")]
    [InlineData(long.MaxValue, "9.2 EB")]
    public void Bytes_are_decimal_units_with_three_significant_digits(long bytes, string expected)
    {
        Assert.Equal(expected, Units.Bytes(bytes));
    }

    [Fact]
    public void Bytes_never_take_more_than_seven_characters()
    {
        // The views size their byte columns to this; a wider text would be cut in the table.
        for (long bytes = 1; bytes < long.MaxValue / 7; bytes = bytes * 7 + 3)
            Assert.True(Units.Bytes(bytes).Length <= 7, Units.Bytes(bytes));
    }

    [Fact]
    public void Bytes_read_the_same_in_every_culture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("1.2 MB", Units.Bytes(1_234_567));
            Assert.Equal("1.5 s", Units.Duration(1.5));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData(double.NaN, "0 s")]
    [InlineData(-3, "0 s")]
    [InlineData(0, "0 s")]
    [InlineData(0.000042, "0.04 ms")]
    [InlineData(0.0042, "4.2 ms")]
    [InlineData(0.25, "250 ms")]
    [InlineData(0.9994, "999 ms")]
    [InlineData(0.9995, "1 s")]
    [InlineData(1.5, "1.5 s")]
    [InlineData(9.994, "9.99 s")]
    [InlineData(9.995, "10 s")]
    [InlineData(42.4, "42 s")]
    [InlineData(59.4, "59 s")]
    [InlineData(59.5, "1 min")]
    [InlineData(303, "5 min 3 s")]
    [InlineData(3599.6, "1 h")]
    [InlineData(8040, "2 h 14 min")]
    [InlineData(86_400, "1 d")]
    [InlineData(273_600, "3 d 4 h")]
    public void Durations_are_short_and_carry_at_most_two_units(double seconds, string expected)
    {
        Assert.Equal(expected, Units.Duration(seconds));
    }

    [Fact]
    public void A_time_span_is_written_as_its_seconds()
    {
        Assert.Equal(Units.Duration(8040.0), Units.Duration(TimeSpan.FromSeconds(8040)));
        Assert.Equal("250 ms", Units.Duration(TimeSpan.FromMilliseconds(250)));
    }
}
