using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UserSync.FunctionsHost.Rpc;
using Yarp.ReverseProxy.Forwarder;

namespace UserSync.FunctionsHost.Http;

/// <summary>
/// The HTTP side of the host for an app on the ASP.NET Core integration: a loopback server with
/// one route per httpTrigger of functions.metadata (routePrefix from host.json, the route
/// template, the methods). For each request it does what the host's DefaultHttpProxyService
/// does: the request is forwarded (YARP, as the host uses) to the worker's HttpUri with
/// <c>x-ms-invocation-id</c>, and at the same time the InvocationRequest goes over gRPC with an
/// empty RpcHttp as the trigger input; the worker pairs the two by that id.
/// Function keys are NOT checked: every function answers anyone who can reach the port.
/// </summary>
public sealed partial class HttpFront : IAsyncDisposable
{
    public const string InvocationIdHeader = "x-ms-invocation-id";

    public const string NoKeysWarning =
        "function keys are NOT checked by this local host: every HTTP function, whatever its authLevel, answers anyone who can reach";

    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _invoker;

    private HttpFront(WebApplication app, HttpMessageInvoker invoker, Uri baseAddress)
    {
        _app = app;
        _invoker = invoker;
        BaseAddress = baseAddress;
    }

    /// <summary>http://127.0.0.1:PORT/ (the routes are under routePrefix, e.g. api/).</summary>
    public Uri BaseAddress { get; }

    internal static async Task<HttpFront> StartAsync(LocalFunctionsHost host, int port, CancellationToken cancellationToken)
    {
        if (!host.WorkerCapabilities.TryGetValue("HttpUri", out var httpUri) || !Uri.TryCreate(httpUri, UriKind.Absolute, out var workerUri))
        {
            throw new App.FunctionAppException("the worker did not advertise HttpUri: is ConfigureFunctionsWebApplication() (the ASP.NET Core integration) in its Program.cs?");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(HttpFront).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddHttpForwarder();
        var app = builder.Build();

        // The host's proxy client: no redirects, no cookies, no system proxy (the worker is on loopback).
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, ActivityHeadersPropagator = null });
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var config = new ForwarderRequestConfig { ActivityTimeout = host.InvocationTimeout };
        var prefix = host.App.Host.RoutePrefix;
        foreach (var function in host.Functions.Where(f => f.Description.Trigger.Is("httpTrigger")))
        {
            var trigger = function.Description.Trigger;
            var route = (trigger.Property("route") ?? function.Name).Trim('/');
            var pattern = prefix.Length == 0 ? "/" + route : $"/{prefix}/{route}";
            var methods = (trigger.Raw["methods"] as JsonArray)?.Select(m => m!.ToString().ToUpperInvariant()).ToList() ?? [];
            RequestDelegate handler = context => InvokeAsync(host, function, context, forwarder, invoker, workerUri, config);
            var endpoint = methods.Count == 0 ? app.Map(pattern, handler) : app.MapMethods(pattern, methods, handler);
            endpoint.WithDisplayName(function.Name);
        }

        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var front = new HttpFront(app, invoker, new Uri($"http://127.0.0.1:{address.Port}/"));
        LogNoKeys(host.Logger, NoKeysWarning, front.BaseAddress);
        return front;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _invoker.Dispose();
    }

    private static async Task InvokeAsync(LocalFunctionsHost host, LoadedFunction function, HttpContext context, IHttpForwarder forwarder,
        HttpMessageInvoker invoker, Uri workerUri, ForwarderRequestConfig config)
    {
        var parent = ActivityContext.TryParse(context.Request.Headers.TraceParent, context.Request.Headers.TraceState, out var incoming) ? incoming : default;
        Task<ForwarderError>? forwarding = null;
        var result = await host.InvokeAsync(function,
            [new ParameterBinding { Name = function.Description.Trigger.Name, Data = new TypedData { Http = new RpcHttp() } }],
            triggerMetadata: null, retry: null, invocationId: null,
            beforeSend: (invocationId, activity) =>
            {
                context.Request.Headers[InvocationIdHeader] = invocationId;
                context.Request.Headers.TraceParent = activity.Id;
                forwarding = forwarder.SendAsync(context, workerUri.ToString(), invoker, config).AsTask();
                return forwarding;
            },
            context.RequestAborted, parent);

        var error = forwarding is null ? ForwarderError.None : await forwarding;
        if (!result.Succeeded && !context.Response.HasStarted)
        {
            // The worker's answer never came back; the host answers 500 for a failed invocation.
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }

        if (error != ForwarderError.None)
        {
            LogForwardFailed(host.Logger, function.Name, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning} {BaseAddress}")]
    private static partial void LogNoKeys(ILogger logger, string warning, Uri baseAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function}: forwarding to the worker failed ({Error})")]
    private static partial void LogForwardFailed(ILogger logger, string function, ForwarderError error);
}
