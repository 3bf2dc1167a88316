using System.Net;
using System.Net.Sockets;

namespace JindoMeta.Backend.Ots.Tests.Support;

/// <summary>
/// A TCP relay between one server and the emulator that a test can pause: bytes stop flowing both ways, as for a
/// process stopped by SIGSTOP or a network partition, and flow again on <see cref="Resume"/>, late. Requests sent
/// meanwhile are held, not lost, so they reach the emulator after whatever happened in between.
/// </summary>
internal sealed class PausableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private TaskCompletionSource _flowing = NewGate(open: true);

    public PausableProxy(Uri upstream)
    {
        _upstream = new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port);
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    public Uri Endpoint { get; }

    public void Pause()
    {
        lock (_connections)
        {
            if (_flowing.Task.IsCompleted)
            {
                _flowing = NewGate(open: false);
            }
        }
    }

    public void Resume()
    {
        lock (_connections)
        {
            _flowing.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Resume();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.SetResult();
        }

        return gate;
    }

    private async Task AcceptAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            TcpClient downstream;
            try
            {
                downstream = await _listener.AcceptTcpClientAsync(token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var upstream = new TcpClient();
            lock (_connections)
            {
                _connections.Add(downstream);
                _connections.Add(upstream);
            }

            _ = RelayAsync(downstream, upstream, token);
        }
    }

    private async Task RelayAsync(TcpClient downstream, TcpClient upstream, CancellationToken token)
    {
        try
        {
            await upstream.ConnectAsync(_upstream, token);
            await Task.WhenAll(PumpAsync(downstream, upstream, token), PumpAsync(upstream, downstream, token));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            downstream.Dispose();
            upstream.Dispose();
        }
    }

    /// <summary>
    /// Copies one direction; each chunk read waits for the gate before it is passed on. The end of one direction is
    /// passed on as a half-close, so a request held while paused still reaches the emulator after its sender gave up.
    /// </summary>
    private async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken token)
    {
        var buffer = new byte[64 * 1024];
        var source = from.GetStream();
        var destination = to.GetStream();
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(buffer, token);
                if (read == 0)
                {
                    return;
                }

                Task gate;
                lock (_connections)
                {
                    gate = _flowing.Task;
                }

                await gate.WaitAsync(token);
                await destination.WriteAsync(buffer.AsMemory(0, read), token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            try
            {
                to.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
