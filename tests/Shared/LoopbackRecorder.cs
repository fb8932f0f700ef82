using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace UserSync.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 that records each request (path and body, gunzipped when sent
/// gzip-encoded) and answers with <see cref="Status"/> (set it to make a peer fail mid-test) and a fixed body.
/// </summary>
public sealed class LoopbackRecorder : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly string _body;

    private LoopbackRecorder(HttpListener listener, string baseUrl, int status, string body)
    {
        _listener = listener;
        BaseUrl = baseUrl;
        Status = status;
        _body = body;
        _loop = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    /// <summary>The status code the next requests get.</summary>
    public int Status { get; set; }

    public ConcurrentQueue<(string Path, string Body)> Requests { get; } = new();

    public static LoopbackRecorder Start(int status, string body = "")
    {
        for (var attempt = 1; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var baseUrl = $"http://127.0.0.1:{port}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(baseUrl);
            try
            {
                listener.Start();
                return new LoopbackRecorder(listener, baseUrl, status, body);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var body = context.Request.InputStream;
            if ((context.Request.Headers["Content-Encoding"] ?? "").Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                body = new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionMode.Decompress);
            }

            using (var reader = new StreamReader(body))
            {
                Requests.Enqueue((context.Request.Url!.AbsolutePath, await reader.ReadToEndAsync()));
            }

            context.Response.StatusCode = Status;
            var answer = System.Text.Encoding.UTF8.GetBytes(_body);
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
