using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace UserSync.Core.Reports;

/// <summary>
/// The report's charts as inline SVG, drawn by OxyPlot's SvgExporter in the process that builds
/// the report. Not an npm charting library: the report is built inside the .NET function app and
/// the CLI, where no Node.js runtime exists (a dotnet-isolated Flex Consumption app has none), and
/// a chart library running in the reader's browser would need a script in the email, which mail
/// clients strip. OxyPlot.Core is managed code only (no native renderer), measures text with its
/// own font metrics, and writes the same SVG for the same figures, so the HTML is self-contained
/// and the committed example can be compared byte for byte.
/// </summary>
public static class ReportCharts
{
    private const double Width = 720;
    private const double Height = 240;

    /// <summary>The largest number of ghosts any run saw, per day.</summary>
    public static string GhostsPerDay(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var model = Model("Ghost users and orphaned profiles (largest count a run saw, per day)", "users", 0, Math.Max(1, report.Daily.Select(d => Math.Max(d.MaxGhosts, d.MaxOrphans)).DefaultIfEmpty(0).Max()) * 1.15);
        var ghosts = new StairStepSeries { Title = "ghosts", Color = OxyColor.FromRgb(0xc0, 0x39, 0x2b), StrokeThickness = 2 };
        var orphans = new StairStepSeries { Title = "orphans", Color = OxyColor.FromRgb(0xe6, 0x7e, 0x22), StrokeThickness = 1.5, LineStyle = LineStyle.Dash };
        foreach (var day in report.Daily)
        {
            ghosts.Points.Add(new DataPoint(DayNumber(report, day), day.MaxGhosts));
            orphans.Points.Add(new DataPoint(DayNumber(report, day), day.MaxOrphans));
        }

        // A stair step ends at its last point: one more closes the last day.
        if (report.Daily.Count > 0)
        {
            ghosts.Points.Add(new DataPoint(report.Daily.Count + 1, report.Daily[^1].MaxGhosts));
            orphans.Points.Add(new DataPoint(report.Daily.Count + 1, report.Daily[^1].MaxOrphans));
        }

        model.Series.Add(ghosts);
        model.Series.Add(orphans);
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.TopRight, LegendPlacement = LegendPlacement.Inside });
        return Svg(model, "ghosts");
    }

    /// <summary>The trigger's uptime per day as the runs saw it, in percent.</summary>
    public static string TriggerUptimePerDay(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var model = Model("Trigger uptime per day (%)", "%", 0, 105);
        var uptime = new LineSeries
        {
            Title = "uptime",
            Color = OxyColor.FromRgb(0x27, 0xae, 0x60),
            StrokeThickness = 2,
            MarkerType = MarkerType.Circle,
            MarkerSize = 2.5,
            MarkerFill = OxyColor.FromRgb(0x27, 0xae, 0x60),
        };
        foreach (var day in report.Daily)
        {
            // A day no run observed is a gap in the line, not a 0.
            uptime.Points.Add(day.TriggerUptime is { } up ? new DataPoint(DayNumber(report, day), up * 100) : DataPoint.Undefined);
        }

        model.Series.Add(uptime);
        return Svg(model, "uptime");
    }

    private static PlotModel Model(string title, string unit, double min, double max)
    {
        var model = new PlotModel
        {
            Title = title,
            TitleFontSize = 13,
            DefaultFont = "Helvetica",
            DefaultFontSize = 10,
            PlotAreaBorderColor = OxyColor.FromRgb(0xcc, 0xcc, 0xcc),
            Background = OxyColors.White,
        };
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom,
            Title = "day of the period",
            Minimum = 0.5,
            MajorStep = 5,
            MinorStep = 1,
            MajorGridlineStyle = LineStyle.Dot,
        });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left,
            Title = unit,
            AxisTitleDistance = 8,
            Minimum = min,
            Maximum = max,
            MajorGridlineStyle = LineStyle.Dot,
        });
        return model;
    }

    private static double DayNumber(SuccessReport report, DailyPoint day) => day.Day.DayNumber - report.Daily[0].Day.DayNumber + 1;

    // Both charts sit in one document: each gets its own clip-path ids.
    private static string Svg(PlotModel model, string id) => SvgExporter.ExportToString(model, Width, Height, isDocument: false)
        .Replace("id=\"clipPath", $"id=\"{id}-clipPath", StringComparison.Ordinal)
        .Replace("url(#clipPath", $"url(#{id}-clipPath", StringComparison.Ordinal);
}
