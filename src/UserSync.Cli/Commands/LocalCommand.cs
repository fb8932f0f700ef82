using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using UserSync.FunctionsHost;
using UserSync.FunctionsHost.App;
using UserSync.FunctionsHost.Triggers;
using UserSync.FunctionsHost.Worker;

namespace UserSync.Cli.Commands;

/// <summary>
/// `usersync local --app DIR`: runs the built function app on this machine under the project's
/// host stand-in (src/UserSync.FunctionsHost): starts the real worker process, fires every timer
/// trigger now, dispatches the queues (Azurite or any storage account) until they are empty, and
/// with --serve answers the HTTP routes on a loopback port until Ctrl+C, dispatching the queues
/// every few seconds. For people with Azure Functions Core Tools, `func start` is the real thing.
/// </summary>
public static class LocalCommand
{
    private static readonly TimeSpan ServeDispatchInterval = TimeSpan.FromSeconds(2);

    public static Command Create(SharedOptions shared, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var app = new Option<string>("--app")
        {
            Description = "The function app's build output (dotnet build src/UserSync.Functions: its bin/<Configuration>/net10.0 folder).",
            Required = true,
        };
        var storage = new Option<string?>("--storage") { Description = "Queue storage connection string (default: $AzureWebJobsStorage). Azurite: see README." };
        var settingsFile = new Option<string?>("--settings") { Description = "A local.settings.json whose Values are app settings (see local.settings.sample.json)." };
        var set = new Option<string[]>("--set")
        {
            Description = "An app setting NAME=VALUE (repeatable), e.g. --set UserSync__Alerts__Outbox__Directory=.artifacts/outbox.",
            AllowMultipleArgumentsPerToken = false,
        };
        var pastDue = new Option<bool>("--past-due") { Description = "Fire the timers with IsPastDue = true, as after a missed schedule." };
        var noTimer = new Option<bool>("--no-timer") { Description = "Do not fire the timer triggers." };
        var timers = new Option<string[]>("--timer")
        {
            Description = "Fire only this timer function (repeatable), e.g. --timer IncrementalCheck; default: every timer.",
            AllowMultipleArgumentsPerToken = false,
        };
        var noDispatch = new Option<bool>("--no-dispatch") { Description = "Leave the queues alone." };
        var serve = new Option<bool>("--serve") { Description = "Serve the HTTP functions on 127.0.0.1 until Ctrl+C. Function keys are NOT checked." };
        var port = new Option<int>("--port") { Description = "Port for --serve.", DefaultValueFactory = _ => 7071 }.Between(1, 65535);
        var verbose = new Option<bool>("--verbose") { Description = "Print every worker log line, the framework's too." };

        var command = new Command("local", "Run the function app locally under the host stand-in: fire the timer now, dispatch the queue, serve the HTTP routes.")
        {
            app, storage, settingsFile, set, pastDue, noTimer, timers, noDispatch, serve, port, verbose,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(noTimer) && result.GetValue(timers) is { Length: > 0 })
            {
                result.AddError("--no-timer and --timer exclude each other.");
            }
        });
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = Settings(parsed, shared, environment, storage, settingsFile, set);
            var directory = Path.GetFullPath(parsed.GetValue(app)!);
            if (!File.Exists(Path.Combine(directory, "functions.metadata")))
            {
                throw new CliUsageException($"--app: {directory} has no functions.metadata; build src/UserSync.Functions and pass its bin/<Configuration>/net10.0 folder.");
            }

            try
            {
                return await RunAsync(parsed, environment, directory, settings, cancellationToken);
            }
            catch (FunctionAppException ex)
            {
                await environment.Error.WriteLineAsync($"usersync: {ex.Message}");
                return ExitCodes.CouldNotRun;
            }
        });
        return command;

        async Task<int> RunAsync(ParseResult parsed, CliEnvironment environment, string directory, Dictionary<string, string?> settings, CancellationToken cancellationToken)
        {
            var printer = new WorkerPrinter(environment.Out, parsed.GetValue(verbose));
            using var loggers = LoggerFactory.Create(logging => logging.AddProvider(new StderrWarnings(environment.Error)));
            LocalFunctionsHost host;
            try
            {
                host = await LocalFunctionsHost.StartAsync(new LocalHostOptions
                {
                    AppDirectory = directory,
                    Settings = settings,
                    LoggerFactory = loggers,
                    QueueRetryVisibility = TimeSpan.Zero,
                }, cancellationToken);
            }
            catch (FunctionAppException ex)
            {
                await environment.Error.WriteLineAsync($"usersync: the function app did not start: {ex.Message}");
                return ExitCodes.CouldNotRun;
            }

            await using (host)
            {
                host.Log.Written += printer.Write;
                await environment.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"worker {host.WorkerProcessId} started: {host.Functions.Count} function(s) loaded in {host.Startup.FunctionsLoaded.TotalSeconds:0.0} s ({string.Join(", ", host.Functions.Select(f => f.Name).Order(StringComparer.Ordinal))})"));
                var exitCode = ExitCodes.Healthy;
                if (!parsed.GetValue(noTimer))
                {
                    var allTimers = host.Functions.Where(f => f.Description.Trigger.Is("timerTrigger")).ToList();
                    var chosen = parsed.GetValue(timers) is { Length: > 0 } names ? names : allTimers.Select(t => t.Name).ToArray();
                    if (chosen.FirstOrDefault(n => !allTimers.Any(t => string.Equals(t.Name, n, StringComparison.OrdinalIgnoreCase))) is { } unknown)
                    {
                        await environment.Error.WriteLineAsync(
                            $"usersync: --timer: the app has no timer function '{unknown}' (it has: {string.Join(", ", allTimers.Select(t => t.Name))}).");
                        return ExitCodes.Usage;
                    }

                    foreach (var timer in allTimers.Where(t => chosen.Contains(t.Name, StringComparer.OrdinalIgnoreCase)))
                    {
                        var result = await host.Timers.FireAsync(timer.Name, new TimerFire { IsPastDue = parsed.GetValue(pastDue) }, cancellationToken);
                        await environment.Out.WriteLineAsync(result.Succeeded
                            ? $"{timer.Name}: succeeded; {result.Enqueued.Count} message(s) enqueued{Queues(result)}"
                            : $"{timer.Name}: failed after {result.Attempt + 1} tries: {FirstLine(result.Error)}");
                        exitCode = result.Succeeded ? exitCode : ExitCodes.CouldNotRun;
                    }
                }

                if (!parsed.GetValue(noDispatch))
                {
                    exitCode = Math.Max(exitCode, await DispatchAllAsync(host, environment, quietWhenIdle: false, cancellationToken));
                }

                if (!parsed.GetValue(serve))
                {
                    return exitCode;
                }

                // The stand-in itself warns that keys are not checked (on stderr, through the logger).
                await host.StartHttpFrontAsync(parsed.GetValue(port), cancellationToken);
                foreach (var route in Routes(host))
                {
                    await environment.Out.WriteLineAsync($"  {route}");
                }

                await environment.Out.WriteLineAsync("serving until Ctrl+C (or SIGTERM); queues are dispatched every few seconds");
                try
                {
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        await Task.Delay(ServeDispatchInterval, cancellationToken);
                        if (!parsed.GetValue(noDispatch))
                        {
                            await DispatchAllAsync(host, environment, quietWhenIdle: true, cancellationToken);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: stop the worker below.
                }

                return exitCode;
            }
        }
    }

    /// <summary>Dispatches every queue-triggered function until a round invokes nothing (one function's output may feed another).</summary>
    private static async Task<int> DispatchAllAsync(LocalFunctionsHost host, CliEnvironment environment, bool quietWhenIdle, CancellationToken cancellationToken)
    {
        var exitCode = ExitCodes.Healthy;
        var consumers = host.Functions.Where(f => f.Description.Trigger.Is("queueTrigger")).ToList();
        for (var round = 0; round < 10; round++)
        {
            var invoked = 0;
            foreach (var consumer in consumers)
            {
                var report = await host.Queues.DispatchAsync(consumer.Name, 1000, cancellationToken);
                invoked += report.Invocations.Count + report.Poisoned;
                if (report.Invocations.Count + report.Poisoned == 0 && (quietWhenIdle || round > 0))
                {
                    continue;
                }

                await environment.Out.WriteLineAsync(
                    $"{consumer.Name}: {report.Succeeded} succeeded, {report.Failed} failed invocation(s), {report.Poisoned} moved to {host.Queues.TriggerQueue(consumer.Name).Name}-poison");
                exitCode = report.Poisoned > 0 ? ExitCodes.Degraded : exitCode;
            }

            if (invoked == 0)
            {
                break;
            }
        }

        return exitCode;
    }

    private static Dictionary<string, string?> Settings(ParseResult parsed, SharedOptions shared, CliEnvironment environment, Option<string?> storage,
        Option<string?> settingsFile, Option<string[]> set)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (parsed.GetValue(settingsFile) is { } file)
        {
            foreach (var (name, value) in LocalSettings(file))
            {
                settings[name] = value;
            }
        }

        foreach (var assignment in parsed.GetValue(set) ?? [])
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliUsageException($"--set wants NAME=VALUE, got '{assignment.Split('=')[0]}'.");
            }

            settings[assignment[..equals]] = assignment[(equals + 1)..];
        }

        var queue = parsed.GetValue(storage) ?? (settings.TryGetValue("AzureWebJobsStorage", out var given) ? given : null) ?? environment.Variable("AzureWebJobsStorage");
        if (string.IsNullOrWhiteSpace(queue))
        {
            throw new CliUsageException("no queue storage: pass --storage or set AzureWebJobsStorage.");
        }

        settings["AzureWebJobsStorage"] = queue;
        if (!settings.ContainsKey("UserSync__ConnectionString") && (parsed.GetValue(shared.Connection) ?? environment.Variable("USERSYNC_DB")) is { } connection)
        {
            settings["UserSync__ConnectionString"] = connection;
        }

        // As in local.settings.sample.json; the host will not index the timers without them.
        settings.TryAdd("DailyCheckSchedule", environment.Variable("DailyCheckSchedule") ?? "0 0 2 * * *");
        settings.TryAdd("IncrementalCheckSchedule", environment.Variable("IncrementalCheckSchedule") ?? "0 */10 * * * *");
        settings.TryAdd("MonthlyReportSchedule", environment.Variable("MonthlyReportSchedule") ?? "0 0 6 1 * *");
        // The local host is loopback only and has no App Service Authentication in front: the
        // dashboard runs without sign-in and says so (docs/dashboard-api.md).
        settings.TryAdd("UserSync__Dashboard__Authentication", "None");
        if (!settings.ContainsKey("UserSync__Environment"))
        {
            settings["UserSync__Environment"] = parsed.GetValue(shared.Environment) ?? environment.Variable("USERSYNC_ENVIRONMENT") ?? "local";
        }

        return settings;
    }

    private static IEnumerable<KeyValuePair<string, string?>> LocalSettings(string file)
    {
        JsonObject? values;
        try
        {
            values = JsonNode.Parse(File.ReadAllText(file))?["Values"] as JsonObject;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CliUsageException($"--settings: cannot read {file} as a local.settings.json ({ex.GetType().Name}).");
        }

        if (values is null)
        {
            throw new CliUsageException($"--settings: {file} has no \"Values\" object.");
        }

        return values.Select(v => KeyValuePair.Create(v.Key, v.Value?.ToString()));
    }

    private static IEnumerable<string> Routes(LocalFunctionsHost host)
    {
        var prefix = host.App.Host.RoutePrefix;
        foreach (var function in host.Functions.Where(f => f.Description.Trigger.Is("httpTrigger")).OrderBy(f => f.Description.Trigger.Property("route"), StringComparer.Ordinal))
        {
            var trigger = function.Description.Trigger;
            var methods = trigger.Raw["methods"] is JsonArray list ? string.Join(",", list.Select(m => m!.ToString().ToUpperInvariant())) : "ANY";
            yield return $"{methods,-5} /{prefix}/{trigger.Property("route") ?? function.Name}  ({function.Name}, authLevel {trigger.Property("authLevel") ?? "function"}: not checked here)";
        }
    }

    private static string Queues(InvocationResult result) =>
        result.Enqueued.Count == 0 ? "" : " on " + string.Join(", ", result.Enqueued.Select(m => m.Queue).Distinct(StringComparer.Ordinal));

    private static string FirstLine(string? text) => (text ?? "").Split('\n')[0].Trim();

    /// <summary>The app's own log lines (and every warning or error) as they arrive; the framework's chatter only with --verbose.</summary>
    private sealed class WorkerPrinter(TextWriter output, bool verbose)
    {
        private readonly Lock _gate = new();

        public void Write(WorkerLogEntry entry)
        {
            var framework = entry.Category.StartsWith("Microsoft.", StringComparison.Ordinal) || entry.Category.StartsWith("System.", StringComparison.Ordinal)
                            || entry.Category.StartsWith("Azure.", StringComparison.Ordinal);
            var show = verbose
                       || entry.Source == WorkerLogSource.Stderr
                       || entry.Source == WorkerLogSource.Rpc && (entry.Level >= LogLevel.Warning || !framework && entry.Level >= LogLevel.Information);
            if (!show)
            {
                return;
            }

            var category = entry.Source == WorkerLogSource.Rpc ? entry.Category[(entry.Category.LastIndexOf('.') + 1)..] : entry.Source.ToString().ToLowerInvariant();
            lock (_gate)
            {
                output.WriteLine($"  [{category}] {entry.Message}");
            }
        }
    }

    /// <summary>The stand-in's own warnings (poisoned messages, failed invocations) on stderr.</summary>
    private sealed class StderrWarnings(TextWriter error) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(error);

        public void Dispose()
        {
        }

        private sealed class Logger(TextWriter error) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel) && formatter is not null)
                {
                    error.WriteLine($"usersync local: warning: {formatter(state, exception)}");
                }
            }
        }
    }
}
