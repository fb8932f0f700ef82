using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using UserSync.Alerts;
using UserSync.Core.Options;
using UserSync.Functions.Functions;
using UserSync.Functions.Http;

namespace UserSync.Functions;

/// <summary>
/// The Azure Functions custom handler: a plain ASP.NET Core app the Functions host starts and
/// calls over HTTP on 127.0.0.1:FUNCTIONS_CUSTOMHANDLER_PORT. Triggers, keys and scaling stay
/// with the host; this app only turns invocations into calls to the core.
/// </summary>
public static class HandlerApp
{
    public const string PortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const int DefaultPort = 7071;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // ASP.NET's request logs carry full URLs, and the host's keys ride in the query string
        // (?code=...). Nothing below Warning from the framework, so no URL or header reaches a log.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Read when Kestrel is configured, so settings supplied by `configure` count too.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, HandlerPort(builder.Configuration[PortSetting])));

        builder.Services.AddUserSyncCore();
        builder.Services.AddOptions<DailyCheckOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<DailyCheckOptions>, DailyCheckOptionsValidator>();
        builder.Services.AddProblemDetails();
        builder.Services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        configure?.Invoke(builder);
        // After `configure`: the channels registered depend on the settings it may add, and a
        // delivery it registers (tests) wins over the dispatcher.
        builder.Services.AddUserSyncAlerts(builder.Configuration);
        // After `configure`, so settings a caller supplies decide the exporters too.
        Telemetry.Add(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The host pings GET / at start and needs any answer within 30 s.
        app.MapGet("/", () => Results.Ok(new { status = "ok" }));
        DailyCheckFunction.Map(app);
        AlertDispatcherFunction.Map(app);
        AdminApi.Map(app);
        return app;
    }

    private static int HandlerPort(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return DefaultPort;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
        {
            return port;
        }

        throw new InvalidOperationException($"{PortSetting} must be a TCP port number (1-65535).");
    }
}
