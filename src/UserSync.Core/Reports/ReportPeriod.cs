using System.Globalization;

namespace UserSync.Core.Reports;

/// <summary>
/// The half-open UTC interval [From, To) a report covers: a calendar month ("2026-11") or any
/// from/to of at most <see cref="MaxDays"/> days (the SQL readers refuse more).
/// </summary>
public sealed record ReportPeriod
{
    public const int MaxDays = 366;

    private ReportPeriod(DateTimeOffset from, DateTimeOffset to)
    {
        From = from;
        To = to;
    }

    public DateTimeOffset From { get; }

    public DateTimeOffset To { get; }

    /// <summary>"2026-11" for a calendar month, else "2026-11-03 to 2026-11-10" (the day before To when To is midnight).</summary>
    public string Label => IsCalendarMonth
        ? From.ToString("yyyy-MM", CultureInfo.InvariantCulture)
        : $"{Day(From)} to {(To.TimeOfDay == TimeSpan.Zero ? Day(To.AddDays(-1)) : To.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))}";

    public bool IsCalendarMonth => From.Day == 1 && From.TimeOfDay == TimeSpan.Zero && To == From.AddMonths(1);

    public static ReportPeriod Month(int year, int month)
    {
        var from = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
        return new ReportPeriod(from, from.AddMonths(1));
    }

    /// <summary>The calendar month before the one <paramref name="now"/> is in (what the 1st's report covers).</summary>
    public static ReportPeriod PreviousMonth(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var previous = new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1);
        return Month(previous.Year, previous.Month);
    }

    /// <summary>The calendar month <paramref name="now"/> is in (the dashboard's "this month").</summary>
    public static ReportPeriod CurrentMonth(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return Month(utc.Year, utc.Month);
    }

    /// <summary>The <paramref name="days"/> days (1..<see cref="MaxDays"/>) up to <paramref name="now"/> (the dashboard's history).</summary>
    public static ReportPeriod LastDays(int days, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, MaxDays);
        var to = now.ToUniversalTime();
        return new ReportPeriod(to.AddDays(-days), to);
    }

    /// <summary>"yyyy-MM", a month from 2000-01 to 9998-12.</summary>
    public static bool TryParseMonth(string? text, out ReportPeriod? period, out string? error)
    {
        period = null;
        if (!DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            || month.Year < 2000 || month.Year > 9998)
        {
            error = "must be a month written yyyy-MM, for example 2026-11";
            return false;
        }

        period = Month(month.Year, month.Month);
        error = null;
        return true;
    }

    /// <summary>
    /// From and to as dates (yyyy-MM-dd, midnight UTC) or ISO 8601 times with an offset; to is
    /// exclusive. Errors name which of the two is wrong: ("from" | "to", message).
    /// </summary>
    public static bool TryParseRange(string? from, string? to, out ReportPeriod? period, out (string Field, string Message)? error)
    {
        period = null;
        if (!TryParseInstant(from, out var start))
        {
            error = ("from", "must be a date (yyyy-MM-dd) or a time with an offset (2026-11-03T10:00:00Z)");
            return false;
        }

        if (!TryParseInstant(to, out var end))
        {
            error = ("to", "must be a date (yyyy-MM-dd) or a time with an offset (2026-11-10T00:00:00Z)");
            return false;
        }

        if (end <= start)
        {
            error = ("to", "must be after from");
            return false;
        }

        if (end - start > TimeSpan.FromDays(MaxDays))
        {
            error = ("to", $"must be at most {MaxDays} days after from");
            return false;
        }

        period = new ReportPeriod(start, end);
        error = null;
        return true;
    }

    private static bool TryParseInstant(string? text, out DateTimeOffset at)
    {
        at = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            at = new DateTimeOffset(day, TimeSpan.Zero);
            return day.Year >= 2000;
        }

        // An offset is required: a bare local time would mean something else on every machine.
        if (text.Length > 10 && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var instant))
        {
            at = instant.ToUniversalTime();
            return at.Year >= 2000;
        }

        return false;
    }

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
