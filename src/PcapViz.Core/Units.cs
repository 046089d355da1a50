using System.Globalization;

namespace PcapViz.Core;

/// <summary>How byte counts and durations are written for people: decimal units, as network tools count them.</summary>
public static class Units
{
    /// <summary>"980 B", "1.2 kB", "34.0 MB", "512 MB", "5.1 GB".</summary>
    public static string Bytes(long bytes)
    {
        var inv = CultureInfo.InvariantCulture;
        if (bytes < 1000)
            return bytes.ToString(inv) + " B";
        string[] units = ["kB", "MB", "GB", "TB", "PB", "EB"];
        double value = bytes;
        int unit = -1;
        while (value >= 999.95 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return (value < 99.95 ? value.ToString("0.0", inv) : value.ToString("0", inv)) + " " + units[unit];
    }

    /// <summary>"0.25 s", "42 s", "5 min 3 s", "2 h 14 min", "3 d 4 h".</summary>
    public static string Duration(double seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        if (double.IsNaN(seconds) || seconds < 0)
            seconds = 0;
        if (seconds < 10)
            return seconds.ToString("0.##", inv) + " s";
        if (seconds < 60)
            return seconds.ToString("0", inv) + " s";
        long whole = (long)Math.Round(seconds);
        if (whole < 3600)
            return whole % 60 == 0 ? $"{whole / 60} min" : $"{whole / 60} min {whole % 60} s";
        if (whole < 86_400)
            return (whole % 3600) / 60 == 0 ? $"{whole / 3600} h" : $"{whole / 3600} h {(whole % 3600) / 60} min";
        return (whole % 86_400) / 3600 == 0 ? $"{whole / 86_400} d" : $"{whole / 86_400} d {(whole % 86_400) / 3600} h";
    }
}
