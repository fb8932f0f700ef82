using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using UserSync.Core.Alerts;
using UserSync.Core.Runs;
using UserSync.Functions.Functions;

namespace UserSync.Functions.Http;

/// <summary>
/// POST checks/run: the daily check on demand. A completed run queues its alert messages exactly
/// as DailyCheck does (so a run after a repair tells the channels the check resolved) and answers
/// with them. 409 when another run holds the lock, 503 when the database cannot be used; neither
/// queues anything (the caller is told at once, and DailyCheck alerts on a database it cannot use).
/// </summary>
public sealed class RunChecksFunction(CheckRunner runner)
{
    [Function("RunChecks")]
    public async Task<RunChecksOutput> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.RunChecks)] HttpRequest request, CancellationToken cancellationToken)
    {
        return Answer(await runner.RunAsync(AlertSources.Http, cancellationToken));
    }

    /// <summary>An on-demand run's answer (POST checks/run and POST view/checks/run): 409, 503, or the run with its alerts queued.</summary>
    public static RunChecksOutput Answer(CheckRunOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Kind switch
        {
            CheckRunKind.AlreadyRunning => new RunChecksOutput
            {
                Response = TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A check run is already in progress",
                    detail: "Another run holds the lock; try again when it has finished."),
            },
            CheckRunKind.CouldNotRun => new RunChecksOutput
            {
                Response = TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The checks could not run",
                    detail: outcome.FailureReason),
            },
            _ => new RunChecksOutput
            {
                Response = TypedResults.Ok(new RunChecksReport(outcome.Kind, outcome.ExitCode, outcome.Run, outcome.Alerts, Queued: outcome.Alerts.Count)),
                Alerts = AlertMessages.From(outcome.Alerts).Alerts,
            },
        };
    }
}
