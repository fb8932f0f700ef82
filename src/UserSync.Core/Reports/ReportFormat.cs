using System.Globalization;

namespace UserSync.Core.Reports;

/// <summary>How the report writes durations and shares, the same in every format.</summary>
public static class ReportFormat
{
    public static CultureInfo Culture => CultureInfo.InvariantCulture;

    /// <summary>0.9986 → "99.86 %".</summary>
    public static string Percent(double share) => (share * 100).ToString("0.##", Culture) + " %";

    /// <summary>Minutes as "45 s", "12.5 min", "3 h 10 min", "2 d 4 h".</summary>
    public static string Duration(double minutes)
    {
        if (minutes < 1)
        {
            return Math.Round(minutes * 60).ToString("0", Culture) + " s";
        }

        if (minutes < 60)
        {
            return minutes.ToString("0.#", Culture) + " min";
        }

        var whole = (long)Math.Round(minutes);
        return whole < 24 * 60
            ? $"{whole / 60} h{(whole % 60 == 0 ? "" : $" {whole % 60} min")}"
            : $"{whole / (24 * 60)} d{(whole % (24 * 60) / 60 == 0 ? "" : $" {whole % (24 * 60) / 60} h")}";
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Culture);

    public static string Time(DateTimeOffset? at) => at is { } value ? Time(value) : "—";
}
