using UserSync.Core.Reports;
using UserSync.Testing;

namespace UserSync.Core.Tests.Reports;

/// <summary>
/// docs/report-example.md and docs/report-example.html are the example month's report, exactly as
/// `usersync report --format markdown|html` writes it. This test renders them and fails when the
/// committed files differ; run it with USERSYNC_UPDATE_REPORT_EXAMPLE=1 to rewrite them.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class ReportExampleTests(PostgresClusterFixture fixture)
{
    public const string UpdateVariable = "USERSYNC_UPDATE_REPORT_EXAMPLE";

    [Fact]
    public async Task The_committed_examples_are_the_example_months_report()
    {
        var db = await ExampleMonthReport.DatabaseAsync(fixture.Cluster);
        var report = await ExampleMonthReport.BuildAsync(db, ReportPeriod.Month(2026, 11));

        var markdown = ReportMarkdown.Render(report);
        var html = ReportHtml.Render(report);

        Assert.Contains("| Mean time to detect | < 24 h | 7 h 15 min over 4 incidents (max 14 h) | yes |", markdown, StringComparison.Ordinal);
        Assert.Equal(2, html.Split("<svg", StringSplitOptions.None).Length - 1);
        // Self-contained: no script, nothing fetched (a url() may only point into the document).
        foreach (var outside in new[] { "<script", "src=", "href=", "@import", "<link" })
        {
            Assert.DoesNotContain(outside, html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotMatch(@"url\((?!#)", html);

        Compare("docs/report-example.md", markdown);
        Compare("docs/report-example.html", html);
    }

    private static void Compare(string relativePath, string rendered)
    {
        var path = Path.Combine(PostgresCluster.RepositoryRoot, relativePath);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, rendered);
            return;
        }

        Assert.True(File.Exists(path), $"{relativePath} is missing: run this test with {UpdateVariable}=1 to write it");
        Assert.True(File.ReadAllText(path) == rendered,
            $"{relativePath} is not the example month's report any more: run this test with {UpdateVariable}=1 to rewrite it, and review the diff");
    }
}
