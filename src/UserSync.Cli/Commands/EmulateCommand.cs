using System.CommandLine;
using Azure.Storage.Queues;
using UserSync.Cli.Emulation;

namespace UserSync.Cli.Commands;

/// <summary>
/// `usersync emulate daily-check | dispatch`: plays the Functions host for a handler running
/// locally (`dotnet run --project src/UserSync.Functions`), with Azurite as the queue.
/// </summary>
public static class EmulateCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var handlerUrl = new Option<string>("--handler")
        {
            Description = "Base URL of the running handler.",
            DefaultValueFactory = _ => "http://127.0.0.1:7071/",
            Recursive = true,
        };
        handlerUrl.Validators.Add(result =>
        {
            if (!Uri.TryCreate(result.GetValueOrDefault<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                result.AddError("--handler must be an absolute http(s) URL such as http://127.0.0.1:7071/.");
            }
        });
        var storage = new Option<string?>("--storage")
        {
            Description = "Queue storage connection string (default: $AzureWebJobsStorage). Azurite: see README.",
            Recursive = true,
        };
        var maxDequeue = new Option<int>("--max-dequeue-count")
        {
            Description = "Tries before a message goes to the poison queue (host.json extensions.queues.maxDequeueCount).",
            DefaultValueFactory = _ => 5,
            Recursive = true,
        }.Between(1, 100);

        var pastDue = new Option<bool>("--past-due") { Description = "Send IsPastDue = true, as after a missed schedule." };
        var dailyCheck = new Command("daily-check", "POST the timer envelope to /DailyCheck and enqueue its alert outputs.") { pastDue };
        dailyCheck.SetAction(async (parsed, cancellationToken) =>
        {
            using var client = Client(parsed, handlerUrl);
            var emulator = new FunctionsHostEmulator(client, Queues(parsed, storage, environment), parsed.GetValue(maxDequeue));
            var result = await emulator.FireTimerAsync(parsed.GetValue(pastDue), cancellationToken);
            if (!result.Succeeded)
            {
                await environment.Error.WriteLineAsync($"usersync: DailyCheck answered {result.StatusCode}; the host would retry and queue nothing.");
                return ExitCodes.CouldNotRun;
            }

            foreach (var line in result.Logs)
            {
                await environment.Out.WriteLineAsync($"[DailyCheck] {line}");
            }

            await environment.Out.WriteLineAsync($"{result.Enqueued.Count} message(s) enqueued on {FunctionsHostEmulator.AlertsQueue}.");
            return ExitCodes.Healthy;
        });

        var maxMessages = new Option<int>("--max-messages") { Description = "Stop after this many invocations.", DefaultValueFactory = _ => 100 }
            .Between(1, 10_000);
        var dispatch = new Command("dispatch", "Deliver queued messages to /AlertDispatcher as the queue trigger does (retries, poison queue).")
        {
            maxMessages,
        };
        dispatch.SetAction(async (parsed, cancellationToken) =>
        {
            using var client = Client(parsed, handlerUrl);
            var emulator = new FunctionsHostEmulator(client, Queues(parsed, storage, environment), parsed.GetValue(maxDequeue));
            var result = await emulator.DrainAsync(parsed.GetValue(maxMessages), cancellationToken);
            await environment.Out.WriteLineAsync(
                $"{result.Delivered} delivered, {result.Failed} failed invocation(s), {result.Poisoned} moved to {FunctionsHostEmulator.PoisonQueue}.");
            return result.Poisoned > 0 ? ExitCodes.Degraded : ExitCodes.Healthy;
        });

        return new Command("emulate", "Play the Azure Functions host locally: fire the timer, move queue messages.") { handlerUrl, storage, maxDequeue, dailyCheck, dispatch };
    }

    private static HttpClient Client(ParseResult parsed, Option<string> handlerUrl)
    {
        var url = parsed.GetValue(handlerUrl)!;
        return new HttpClient { BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"), Timeout = TimeSpan.FromMinutes(10) };
    }

    private static QueueServiceClient Queues(ParseResult parsed, Option<string?> storage, CliEnvironment environment) =>
        QueueStorage.Service(parsed, storage, environment);
}
