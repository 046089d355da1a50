using System.Globalization;

namespace PcapViz.Core;

/// <summary>
/// The one place byte counts and durations are written for people: the console views (PcapViz.Format.ps1xml calls it
/// as <c>[PcapViz.Core.Units]::Bytes(...)</c>), every picture's labels and tooltips, finding reasons and the progress
/// line, so one value reads the same wherever it is shown.
/// </summary>
/// <remarks>
/// Decimal SI units (1 kB = 1000 bytes), not binary ones: network tools count that way (tshark's and Wireshark's
/// statistics, link speeds, Zeek), so a size here matches the size they report for the same capture. The culture is
/// invariant so a table, an SVG label and a progress line agree on every machine, as the pictures always have.
/// </remarks>
public static class Units
{
    private static readonly string[] ByteUnits = ["kB", "MB", "GB", "TB", "PB", "EB"];

    /// <summary>
    /// Three significant digits, at most seven characters: "999 B", "1.0 kB", "99.9 kB", "100 kB", "999 kB",
    /// "1.0 MB", "5.1 GB". A value that would round up to 1000 of one unit is written in the next ("1.0 MB").
    /// </summary>
    public static string Bytes(long bytes)
    {
        var inv = CultureInfo.InvariantCulture;
        if (bytes < 1000)
            return bytes.ToString(inv) + " B";
        double value = bytes;
        int unit = -1;
        // 999.5 and up prints as "1000" with no decimal, so it moves to the next unit instead.
        while (value >= 999.5 && unit < ByteUnits.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return (value < 99.95 ? value.ToString("0.0", inv) : value.ToString("0", inv)) + " " + ByteUnits[unit];
    }

    /// <summary>
    /// "4.2 ms", "250 ms", "1.5 s", "42 s", "5 min 3 s", "2 h 14 min", "3 d 4 h": two units at most, each whole once
    /// past ten seconds, so a column of flow durations stays short. Negative and NaN are "0 s".
    /// </summary>
    public static string Duration(double seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        if (double.IsNaN(seconds) || seconds <= 0)
            return "0 s";
        if (seconds < 0.9995)
        {
            double ms = seconds * 1000;
            return (ms < 9.995 ? ms.ToString("0.##", inv) : ms.ToString("0", inv)) + " ms";
        }
        if (seconds < 9.995)
            return seconds.ToString("0.##", inv) + " s";
        double rounded = Math.Round(seconds);
        if (rounded < 60)
            return rounded.ToString("0", inv) + " s";
        long whole = rounded >= long.MaxValue ? long.MaxValue : (long)rounded;
        if (whole < 3600)
            return whole % 60 == 0 ? $"{whole / 60} min" : $"{whole / 60} min {whole % 60} s";
        if (whole < 86_400)
            return (whole % 3600) / 60 == 0 ? $"{whole / 3600} h" : $"{whole / 3600} h {(whole % 3600) / 60} min";
        return (whole % 86_400) / 3600 == 0 ? $"{whole / 86_400} d" : $"{whole / 86_400} d {(whole % 86_400) / 3600} h";
    }

    /// <summary>A <see cref="TimeSpan"/> written as <see cref="Duration(double)"/> writes its seconds.</summary>
    public static string Duration(TimeSpan duration) => Duration(duration.TotalSeconds);
}
