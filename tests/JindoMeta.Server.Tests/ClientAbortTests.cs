using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using JindoMeta.Server.Tests.Support;

namespace JindoMeta.Server.Tests;

/// <summary>
/// Clients that give up mid-request (a reset while sending, a deadline or a cancel while the call runs) are normal
/// traffic: the daemon keeps serving and logs them at debug at most, never as an error with a stack trace.
/// </summary>
public sealed class ClientAbortTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Clients_giving_up_mid_request_are_not_logged_as_errors_and_the_daemon_keeps_serving()
    {
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"), "-D", "namespace.log.level=debug");
        using var client = new RawClient(daemon.Address);
        for (var i = 0; i < 200; i++)
        {
            await client.CreateAsync($"/tree/d{i % 20}/f{i}");
        }

        for (var round = 0; round < 5; round++)
        {
            await SendHalfARequestThenResetAsync(daemon.Address);
        }

        // Calls whose deadline passes while the server works on them; on a loaded machine some give up before they
        // even reach it, so rounds go on until the daemon has seen one give up (it logs that at debug).
        for (var round = 0; round < 25 && !daemon.Output.Contains("the client gave up before the answer", StringComparison.Ordinal); round++)
        {
            var hurried = Enumerable.Range(0, 40).Select(async i =>
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(i % 4));
                try
                {
                    await client.CallAsync((c, o) => c.GetContentSummaryAsync(new() { Path = "/tree" },
                        o.WithDeadline(DateTime.UtcNow.AddMilliseconds(1 + (i % 3))).WithCancellationToken(cancel.Token)));
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled)
                {
                    // expected: the client gave up
                }
            });
            await Task.WhenAll(hurried);
            await Task.Delay(50); // the daemon's log line follows the abort
        }

        Assert.Equal("/tree", (await client.GetFileInfoAsync("/tree")).Status.Path);
        Assert.Equal(0, await daemon.TerminateAsync());
        var output = daemon.Output;
        var bad = output.Split('\n').Where(l => l.Contains(" EROR ", StringComparison.Ordinal) || l.Contains(" FATL ", StringComparison.Ordinal)
            || l.Contains(" WARN ", StringComparison.Ordinal) || l.StartsWith("   at ", StringComparison.Ordinal)).ToList();
        Assert.True(bad.Count == 0, $"the daemon logged client aborts as problems:\n{string.Join('\n', bad)}\n--- whole output\n{output}");
        Assert.Contains("the client gave up before the answer", output, StringComparison.Ordinal); // at debug
    }

    /// <summary>HEADERS and the first bytes of a message, then the client resets the stream (RST_STREAM).</summary>
    private static async Task SendHalfARequestThenResetAsync(string address)
    {
        using var http = new HttpClient(new SocketsHttpHandler())
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{address}/jindometa.v1.NamespaceService/Create") { Content = new HalfMessage() };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.Add("x-jindo-user", "root");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead));
    }

    private sealed class HalfMessage : HttpContent
    {
        public HalfMessage() => Headers.ContentType = new MediaTypeHeaderValue("application/grpc");

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(new byte[] { 0, 0, 0, 0, 100, 0x0A, 0x05, (byte)'/', (byte)'a' });
            await stream.FlushAsync();
            await Task.Delay(300);
            throw new IOException("the client gave up");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
