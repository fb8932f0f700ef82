using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace UserSync.FunctionsHost.Rpc;

/// <summary>
/// The host's gRPC endpoint: HTTP/2 without TLS (the worker's GrpcChannel uses an http:// URI)
/// on a free port of 127.0.0.1, serving FunctionRpc.EventStream.
/// </summary>
internal sealed class RpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RpcServer(WebApplication app, Uri uri, WorkerRegistry workers)
    {
        _app = app;
        Uri = uri;
        Workers = workers;
    }

    /// <summary>What the worker gets as --functions-uri.</summary>
    public Uri Uri { get; }

    public WorkerRegistry Workers { get; }

    public static async Task<RpcServer> StartAsync(int maxMessageLength, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(RpcServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = maxMessageLength;
            grpc.MaxSendMessageSize = maxMessageLength;
        });
        var workers = new WorkerRegistry();
        builder.Services.AddSingleton(workers);

        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var port = new Uri(address).Port;
        return new RpcServer(app, new Uri($"http://127.0.0.1:{port}/"), workers);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
