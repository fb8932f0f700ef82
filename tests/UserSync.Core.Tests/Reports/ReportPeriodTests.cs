using UserSync.Core.Reports;

namespace UserSync.Core.Tests.Reports;

public sealed class ReportPeriodTests
{
    [Fact]
    public void A_month_is_its_first_midnight_to_the_next_months()
    {
        Assert.True(ReportPeriod.TryParseMonth("2026-11", out var period, out _));
        Assert.Equal((new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), "2026-11"),
            (period!.From, period.To, period.Label));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-1")]
    [InlineData("26-11")]
    [InlineData("2026-11-01")]
    [InlineData("november")]
    [InlineData("")]
    [InlineData(null)]
    public void A_month_not_written_yyyy_MM_is_refused(string? text)
    {
        Assert.False(ReportPeriod.TryParseMonth(text, out var period, out var error));
        Assert.Null(period);
        Assert.Equal("must be a month written yyyy-MM, for example 2026-11", error);
    }

    [Fact]
    public void The_previous_month_of_the_first_is_the_month_before()
    {
        Assert.Equal("2026-11", ReportPeriod.PreviousMonth(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero)).Label);
        Assert.Equal("2025-12", ReportPeriod.PreviousMonth(new DateTimeOffset(2026, 1, 1, 0, 30, 0, TimeSpan.Zero)).Label);
        Assert.Equal("2026-12", ReportPeriod.CurrentMonth(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero)).Label);
    }

    [Theory]
    [InlineData("2026-11-03", "2026-11-10", "2026-11-03 to 2026-11-09")]
    [InlineData("2026-11-03T10:00:00Z", "2026-11-03T12:30:00+00:00", "2026-11-03 to 2026-11-03 12:30")]
    [InlineData("2026-11-01", "2026-12-01", "2026-11")]
    public void A_range_is_dates_or_times_with_an_offset(string from, string to, string label)
    {
        Assert.True(ReportPeriod.TryParseRange(from, to, out var period, out _));
        Assert.Equal(label, period!.Label);
    }

    [Theory]
    [InlineData("2026-11-10", "2026-11-03", "to", "must be after from")]
    [InlineData("2026-11-10", "2026-11-10", "to", "must be after from")]
    [InlineData("2025-01-01", "2026-01-03", "to", "must be at most 366 days after from")]
    [InlineData("yesterday", "2026-11-03", "from", "must be a date (yyyy-MM-dd) or a time with an offset (2026-11-03T10:00:00Z)")]
    [InlineData("2026-11-03T10:00:00", "2026-11-04", "from", "must be a date (yyyy-MM-dd) or a time with an offset (2026-11-03T10:00:00Z)")]
    [InlineData("2026-11-03", "", "to", "must be a date (yyyy-MM-dd) or a time with an offset (2026-11-10T00:00:00Z)")]
    [InlineData("2026-02-30", "2026-03-03", "from", "must be a date (yyyy-MM-dd) or a time with an offset (2026-11-03T10:00:00Z)")]
    public void A_bad_range_names_the_field(string from, string to, string field, string message)
    {
        Assert.False(ReportPeriod.TryParseRange(from, to, out var period, out var error));
        Assert.Null(period);
        Assert.Equal((field, message), error);
    }
}
