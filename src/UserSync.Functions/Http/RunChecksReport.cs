using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Runs;

namespace UserSync.Functions.Http;

/// <summary>The answer of a completed on-demand run: the run, its alert messages and how many were queued.</summary>
public sealed record RunChecksReport(CheckRunKind Outcome, int ExitCode, MonitoringRun? Run, IReadOnlyList<AlertMessage> Alerts, int Queued);
