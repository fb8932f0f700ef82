using Microsoft.AspNetCore.Builder;

namespace UserSync.Functions.Tests;

/// <summary>
/// The real handler (HandlerApp.Build, real Kestrel) on a free 127.0.0.1 port, configured the
/// way the Functions host configures it, with every log it writes captured. The tests play the host.
/// </summary>
internal sealed class HandlerServer : IAsyncDisposable
{
    /// <summary>A socket directory that does not exist: every connection attempt fails at once.</summary>
    public const string UnreachableConnectionString =
        "Host=/tmp/usersync-no-such-socket-dir;Port=5432;Database=postgres;Username=user_sync_login;Password=hunter2-unreachable;Timeout=5";

    private readonly WebApplication _app;

    private HandlerServer(WebApplication app, int port, CapturedLogs logs)
    {
        _app = app;
        Port = port;
        Logs = logs;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public int Port { get; }

    public HttpClient Client { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<HandlerServer> StartAsync(string connectionString, Action<WebApplicationBuilder>? configure = null)
    {
        // Another process can take the port between FreePort and Kestrel's bind: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var logs = new CapturedLogs();
            var app = HandlerApp.Build([$"--{HandlerApp.PortSetting}={port}"], builder =>
            {
                builder.Configuration["UserSync:ConnectionString"] = connectionString;
                builder.Configuration["UserSync:Environment"] = "test";
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                builder.Logging.AddProvider(logs);
                configure?.Invoke(builder);
            });
            try
            {
                await app.StartAsync();
                return new HandlerServer(app, port, logs);
            }
            catch (IOException) when (attempt < 5)
            {
                await app.DisposeAsync();
            }
        }
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
