using System.Diagnostics;
using System.Globalization;
using UserSync.FunctionsHost.App;

namespace UserSync.FunctionsHost.Worker;

/// <summary>
/// The worker process, started as the Functions host starts a dotnet-isolated worker:
/// <c>dotnet App.dll --functions-uri … --functions-worker-id … --functions-request-id …
/// --functions-grpc-max-message-length …</c> in the app folder, with FUNCTIONS_WORKER_DIRECTORY
/// and FUNCTIONS_APPLICATION_DIRECTORY set and the app settings as environment variables. It is
/// always stopped by its own pid: on dispose, when this process exits, and (through a small shell
/// watchdog) when this process is killed without running either.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Process? _watchdog;
    private readonly EventHandler _onExit;

    private WorkerProcess(Process process, Process? watchdog, DateTimeOffset startedAt)
    {
        _process = process;
        _watchdog = watchdog;
        StartedAt = startedAt;
        Id = process.Id;
        Exited = process.WaitForExitAsync();
        _onExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    public int Id { get; }

    public DateTimeOffset StartedAt { get; }

    public Task Exited { get; }

    public int? ExitCode { get; private set; }

    public static WorkerProcess Start(FunctionApp app, Uri rpcUri, string workerId, int maxMessageLength,
        IReadOnlyDictionary<string, string?> environment, TimeProvider time, Action<string, bool> onOutput)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!File.Exists(app.WorkerAssembly))
        {
            throw new FunctionAppException($"the worker assembly {Path.GetFileName(app.WorkerAssembly)} named by worker.config.json is not in {app.Directory}");
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = app.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     app.WorkerAssembly,
                     "--functions-uri", rpcUri.ToString(),
                     "--functions-worker-id", workerId,
                     "--functions-request-id", Guid.NewGuid().ToString(),
                     "--functions-grpc-max-message-length", maxMessageLength.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        // Without these the worker cannot load functions ("FUNCTIONS_APPLICATION_DIRECTORY ... is
        // not defined") and its ASP.NET Core integration cannot find the routes.
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = app.Directory;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = app.Directory;
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { onOutput(line.Data, false); } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { onOutput(line.Data, true); } };
        var startedAt = time.GetUtcNow();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, StartWatchdog(process.Id), startedAt);
    }

    /// <summary>Waits up to <paramref name="grace"/> for the worker to exit by itself (after WorkerTerminate), then kills it.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        try
        {
            await Exited.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            Kill();
            await Exited;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Exited;
        ExitCode = _process.ExitCode;
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        _process.Dispose();
        if (_watchdog is not null)
        {
            // The watchdog ends by itself once the worker is gone.
            await _watchdog.WaitForExitAsync();
            _watchdog.Dispose();
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Kills the worker by its pid when this process dies without disposing it (a test runner
    /// killed mid-run): the worker outlives a closed gRPC stream, so nothing else would stop it.
    /// Hand-written because .NET cannot ask Linux for a parent-death signal on a child.
    /// </summary>
    private static Process? StartWatchdog(int worker)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }

        var owner = Environment.ProcessId;
        var script = $"exec </dev/null >/dev/null 2>&1; while kill -0 {owner} 2>/dev/null && kill -0 {worker} 2>/dev/null; do sleep 1; done; kill -9 {worker} 2>/dev/null; exit 0";
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return Process.Start(start);
    }

    /// <summary>The dotnet muxer running this process (or its SDK's, for an apphost), else dotnet on PATH.</summary>
    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        var sdkHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(sdkHost) && File.Exists(sdkHost))
        {
            return sdkHost;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        return !string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")) ? Path.Combine(root, "dotnet") : "dotnet";
    }
}
