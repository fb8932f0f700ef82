using UserSync.Core.Reports;

namespace UserSync.Core.Tests.Reports;

public sealed class ReportFormatTests
{
    [Theory]
    [InlineData(0.75, "45 s")]
    [InlineData(2, "2 min")]
    [InlineData(12.5, "12.5 min")]
    [InlineData(60, "1 h")]
    [InlineData(435, "7 h 15 min")]
    [InlineData(1440, "1 d")]
    [InlineData(2940, "2 d 1 h")]
    public void Durations_read_as_a_person_would_say_them(double minutes, string text) => Assert.Equal(text, ReportFormat.Duration(minutes));

    [Theory]
    [InlineData(1, "100 %")]
    [InlineData(0.989583, "98.96 %")]
    [InlineData(0.05, "5 %")]
    [InlineData(0, "0 %")]
    public void Shares_are_percent_with_two_decimals_at_most(double share, string text) => Assert.Equal(text, ReportFormat.Percent(share));
}
