using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace UserSync.Testing;

/// <summary>
/// A throwaway Azurite queue service on a free loopback port, started through scripts/azurite.sh
/// (installed by scripts/ensure-deps.sh), with a watchdog on this process; stopped by its pid.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    // Azurite's documented development account key: public, identical in every Azurite install.
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _directory;

    private AzuriteServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};QueueEndpoint=http://127.0.0.1:{Port}/devstoreaccount1";

    public static async Task<AzuriteServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "usersync-azurite-" + Guid.NewGuid().ToString("N")[..8]);
        var queue = new AzuriteServer(directory, FreePort());
        await RunAsync("start", $"{directory} {queue.Port} --owner-pid {Environment.ProcessId}");
        return queue;
    }

    public async ValueTask DisposeAsync() => await RunAsync("stop", _directory);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string verb, string arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(PostgresCluster.RepositoryRoot, "scripts/azurite.sh"), $"{verb} {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start scripts/azurite.sh");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/azurite.sh {verb} exited with {process.ExitCode}: {await stderr}");
        }
    }
}

/// <summary>One Azurite per test class that asks for it, always stopped.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite not started");

    public async Task InitializeAsync() => _server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
