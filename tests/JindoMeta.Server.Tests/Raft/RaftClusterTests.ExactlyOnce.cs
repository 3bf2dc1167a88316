using System.Net.Http;
using JindoMeta.Client;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Raft;

/// <summary>Exactly once across failover: a call whose reply was lost when the leader died, retried on the new leader.</summary>
public sealed partial class RaftClusterTests
{
    [Theory]
    [InlineData("Create")]
    [InlineData("Rename")]
    [InlineData("Delete")]
    public async Task A_call_whose_reply_is_lost_when_the_leader_dies_is_retried_on_the_new_leader_and_succeeds_once(string operation)
    {
        var dropper = new ReplyDropper(operation);
        using var client = new JindoMetaClient(new JindoMetaClientOptions
        {
            Addresses = RpcAddressList.Parse(_cluster.RpcAddress),
            User = "root",
            Deadline = TimeSpan.FromSeconds(30),
            MaxAttempts = 50,
            TransportWrapper = transport => new ReplyDropper.Handler(dropper, transport),
        });
        await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/once", CreateParent = true }); // the servers declare their retry cache
        await client.CreateAsync(new Proto.CreateRequest { Path = "/once/existing" });
        Assert.True(client.ServersRememberCalls);
        var leader = await _cluster.LeaderIndexAsync();

        dropper.Arm();
        Task<Proto.FileStatus?> call = operation switch
        {
            "Create" => client.CreateAsync(new Proto.CreateRequest { Path = "/once/f" }),
            "Rename" => client.RenameAsync(new Proto.RenameRequest { Source = "/once/existing", Destination = "/once/moved" }),
            _ => DeleteAsync(client, "/once/existing"),
        };
        await dropper.Dropped.WaitAsync(TimeSpan.FromSeconds(30)); // the leader applied it and answered; the answer is gone
        await _cluster.KillAsync(leader);
        dropper.Resume(); // the client sees a broken connection: outcome unknown

        var status = await call;

        Assert.True(dropper.Sent >= 2, $"the {operation} was sent {dropper.Sent} time(s): it was never retried");
        Assert.Single(dropper.CallIds.Distinct()); // every attempt carried the same call id
        using var reader = _cluster.NewClient();
        var names = new List<string>();
        await foreach (var entry in reader.ListAllAsync("", "/once"))
        {
            names.Add(entry.Path);
        }

        switch (operation)
        {
            case "Create":
                Assert.Equal(["/once/existing", "/once/f"], names); // the file exists once
                Assert.Equal("/once/f", status!.Path);
                Assert.Equal((await reader.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = "/once/f" })).FileId, status.FileId);
                break;
            case "Rename":
                Assert.Equal(["/once/moved"], names);
                Assert.Equal("/once/moved", status!.Path);
                break;
            default:
                Assert.Empty(names);
                break;
        }

        output.WriteLine($"{operation}: sent {dropper.Sent} times with call id {dropper.CallIds.First()}, answered once with the first outcome");
    }

    private static async Task<Proto.FileStatus?> DeleteAsync(JindoMetaClient client, string path)
    {
        await client.DeleteAsync(new Proto.DeleteRequest { Path = path });
        return null;
    }

    /// <summary>
    /// Drops the reply of the first armed call of one method: the request reaches the server and is answered, then
    /// the handler waits until the test has killed the server and fails the call as a broken connection would.
    /// </summary>
    private sealed class ReplyDropper(string method)
    {
        private readonly string _method = method;
        private readonly TaskCompletionSource _dropped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;
        private int _sent;

        public Task Dropped => _dropped.Task;

        public int Sent => Volatile.Read(ref _sent);

        public System.Collections.Concurrent.ConcurrentQueue<string> CallIds { get; } = new();

        public void Arm() => Volatile.Write(ref _armed, 1);

        public void Resume() => _resume.TrySetResult();

        public sealed class Handler(ReplyDropper dropper, HttpMessageHandler transport) : DelegatingHandler(transport)
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.RequestUri?.AbsolutePath.EndsWith("/" + dropper._method, StringComparison.Ordinal) != true || Volatile.Read(ref dropper._armed) == 0)
                {
                    return await base.SendAsync(request, cancellationToken);
                }

                Interlocked.Increment(ref dropper._sent);
                dropper.CallIds.Enqueue(request.Headers.TryGetValues("x-jindo-call-id", out var ids) ? string.Join(",", ids) : "(none)");
                var response = await base.SendAsync(request, cancellationToken);
                if (Interlocked.Exchange(ref dropper._armed, 2) != 1)
                {
                    return response; // a retry: let its answer through
                }

                response.Dispose();
                dropper._dropped.TrySetResult();
                await dropper._resume.Task;
                // What SocketsHttpHandler throws when the connection dies mid-reply (gRPC makes it UNAVAILABLE without a code).
                throw new HttpRequestException(HttpRequestError.ResponseEnded, "test: the reply was dropped",
                    new IOException("Unable to read data from the transport connection", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset)));
            }
        }
    }
}
