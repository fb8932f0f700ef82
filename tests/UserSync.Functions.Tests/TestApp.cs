using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UserSync.Alerts;
using UserSync.Core.Options;

namespace UserSync.Functions.Tests;

/// <summary>
/// The app's service container, wired by the same registrations Program.cs calls, on a
/// FunctionsApplicationBuilder, without the worker's gRPC channel: the tests create the function
/// classes from it and call them directly, as the worker would after binding.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    /// <summary>A socket directory that does not exist: every connection attempt fails at once.</summary>
    public const string UnreachableConnectionString =
        "Host=/tmp/usersync-no-such-socket-dir;Port=5432;Database=postgres;Username=user_sync_login;Password=hunter2-unreachable;Timeout=5";

    private readonly IHost _host;

    private TestApp(IHost host, CapturedLogs logs)
    {
        _host = host;
        Logs = logs;
    }

    public IServiceProvider Services => _host.Services;

    public CapturedLogs Logs { get; }

    public static TestApp Create(string connectionString, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var logs = new CapturedLogs();
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["UserSync:ConnectionString"] = connectionString,
            ["UserSync:Environment"] = "test",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        // A test's own registrations (a recorder at a seam) come first: the app's TryAdd keeps them.
        services?.Invoke(builder.Services);
        builder.Services.AddUserSyncCore();
        builder.Services.AddUserSyncAlerts(builder.Configuration);
        builder.Services.AddUserSyncReports();
        builder.AddUserSyncFunctions();
        builder.AddUserSyncTelemetry();
        return new TestApp(builder.Build(), logs);
    }

    /// <summary>A function class as the worker creates it: constructor arguments from the container.</summary>
    public T Function<T>() => ActivatorUtilities.CreateInstance<T>(Services);

    /// <summary>A request as the ASP.NET Core integration hands it to a function.</summary>
    public HttpRequest Request(string method, string pathAndQuery, byte[]? body = null, string contentType = "application/json",
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Request.Headers[name] = value;
        }

        var uri = new Uri(new Uri("http://127.0.0.1"), pathAndQuery);
        context.Request.Method = method;
        context.Request.Path = uri.AbsolutePath;
        context.Request.QueryString = new QueryString(uri.Query);
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
            context.Request.ContentType = contentType;
        }

        return context.Request;
    }

    /// <summary>Executes a result the way the integration does (IResult.ExecuteAsync on the request's context) and reads the answer.</summary>
    public async Task<HttpAnswer> ExecuteAsync(IResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var context = new DefaultHttpContext { RequestServices = Services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return new HttpAnswer(context.Response.StatusCode, context.Response.ContentType, System.Text.Encoding.UTF8.GetString(body.ToArray()))
        {
            Headers = context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
