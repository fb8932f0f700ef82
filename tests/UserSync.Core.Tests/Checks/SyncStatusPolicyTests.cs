using UserSync.Core.Checks;

namespace UserSync.Core.Tests.Checks;

public sealed class SyncStatusPolicyTests
{
    [Theory]
    //          ghosts  orphans parity  trigger  expected
    [InlineData(true, true, true, true, SyncStatus.Healthy)]
    [InlineData(true, true, true, false, SyncStatus.Critical)]
    [InlineData(true, true, false, true, SyncStatus.Critical)]
    [InlineData(true, true, false, false, SyncStatus.Critical)]
    [InlineData(true, false, true, true, SyncStatus.Degraded)]
    [InlineData(true, false, true, false, SyncStatus.Critical)]
    [InlineData(true, false, false, true, SyncStatus.Critical)]
    [InlineData(true, false, false, false, SyncStatus.Critical)]
    [InlineData(false, true, true, true, SyncStatus.Critical)]
    [InlineData(false, true, true, false, SyncStatus.Critical)]
    [InlineData(false, true, false, true, SyncStatus.Critical)]
    [InlineData(false, true, false, false, SyncStatus.Critical)]
    [InlineData(false, false, true, true, SyncStatus.Critical)]
    [InlineData(false, false, true, false, SyncStatus.Critical)]
    [InlineData(false, false, false, true, SyncStatus.Critical)]
    [InlineData(false, false, false, false, SyncStatus.Critical)]
    public void Decide_is_critical_when_a_critical_check_fails_degraded_when_only_the_warning_fails_else_healthy(
        bool ghostUsersPassed, bool orphanedProfilesPassed, bool countParityPassed, bool triggerEnabledPassed, SyncStatus expected)
    {
        var checks = new[]
        {
            new CheckResult(CheckNames.GhostUsers, CheckSeverity.Critical, ghostUsersPassed, "", "0"),
            new CheckResult(CheckNames.OrphanedProfiles, CheckSeverity.Warning, orphanedProfilesPassed, "", "0"),
            new CheckResult(CheckNames.CountParity, CheckSeverity.Critical, countParityPassed, "", "equal"),
            new CheckResult(CheckNames.TriggerEnabled, CheckSeverity.Critical, triggerEnabledPassed, "", "enabled"),
        };

        var status = SyncStatusPolicy.Decide(checks);

        Assert.Equal(expected, status);
    }
}
