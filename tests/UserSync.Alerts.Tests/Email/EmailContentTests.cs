using UserSync.Alerts.Channels;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;

namespace UserSync.Alerts.Tests.Email;

public sealed class EmailContentTests
{
    [Fact]
    public void A_firing_ghost_alert_has_a_severity_tagged_subject_with_the_count_and_environment()
    {
        var email = EmailContent.Render(EmailTestHost.GhostAlert());

        Assert.Equal("[CRITICAL] user sync: 12 ghost users (prod)", email.Subject);
    }

    [Fact]
    public void A_resolved_ghost_alert_says_it_is_back_to_zero()
    {
        var email = EmailContent.Render(EmailTestHost.GhostAlert(AlertStatus.Resolved));

        Assert.Equal("[RESOLVED] user sync: ghost users back to 0 (prod)", email.Subject);
    }

    [Fact]
    public void A_warning_is_tagged_as_a_warning()
    {
        var alert = EmailTestHost.GhostAlert() with { Check = CheckNames.OrphanedProfiles, Severity = CheckSeverity.Warning, Observed = "3" };

        Assert.Equal("[WARNING] user sync: 3 orphaned profiles (prod)", EmailContent.Render(alert).Subject);
    }

    [Fact]
    public void Both_bodies_carry_the_facts_and_the_runbook_link()
    {
        var email = EmailContent.Render(EmailTestHost.GhostAlert());

        foreach (var body in new[] { email.PlainText, email.Html })
        {
            Assert.Contains("critical", body, StringComparison.Ordinal);
            Assert.Contains("ghost_users", body, StringComparison.Ordinal);
            Assert.Contains("12", body, StringComparison.Ordinal);
            Assert.Contains("j***@example.com, a***@example.org", body, StringComparison.Ordinal);
            Assert.Contains("0f8fad5b-d9cb-469f-a165-70867728950e", body, StringComparison.Ordinal);
            Assert.Contains("2026-11-25 06:30:00 UTC", body, StringComparison.Ordinal);
        }

        Assert.Contains("Runbook: https://example.com/runbook#ghost-users", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.com/runbook#ghost-users\">", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_encodes_every_value_and_keeps_the_subject_on_one_line()
    {
        var alert = EmailTestHost.GhostAlert() with
        {
            Check = "custom_check",
            Observed = "<script>alert(1)</script>",
            Environment = "prod\r\nBcc: someone",
            RunbookUrl = "javascript:alert(1)",
        };

        var email = EmailContent.Render(alert);

        Assert.DoesNotContain("<script>", email.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript:", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', email.Subject);
        Assert.DoesNotContain('\r', email.Subject);
    }

    [Fact]
    public void A_sample_that_is_not_masked_is_masked_before_it_reaches_the_email()
    {
        var alert = EmailTestHost.GhostAlert() with { Samples = ["jane.doe@example.com"] };

        var email = EmailContent.Render(alert);

        Assert.DoesNotContain("jane.doe", email.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("jane.doe", email.Html, StringComparison.Ordinal);
        Assert.Contains("j***@example.com", email.PlainText, StringComparison.Ordinal);
    }
}
