using JindoMeta.Client;
using JindoMeta.Server.Tests.Raft;
using JindoMeta.Server.Tests.Support;
using JindoMeta.TableStore.Emulator;

namespace JindoMeta.Server.Tests.Ots;

/// <summary>
/// The emulator in the test process and ots daemons on it: each daemon on its own loopback address (127.0.0.N) and one
/// shared client port, so each names itself by a real address in the lease and the client lists them all.
/// </summary>
internal sealed class OtsDaemons : IAsyncDisposable
{
    public const string Namespace = "test";

    private readonly TempDirectory _temp = new();

    private OtsDaemons(TableStoreEmulator emulator, int port)
    {
        Emulator = emulator;
        Port = port;
    }

    public TableStoreEmulator Emulator { get; }

    public int Port { get; }

    public DaemonProcess?[] Nodes { get; } = new DaemonProcess?[3];

    public static async Task<OtsDaemons> StartAsync() =>
        new(await TableStoreEmulator.StartAsync(new EmulatorOptions { Port = 0 }), RaftDaemonCluster.FreePortOnEveryHost());

    public static string Host(int index) => $"127.0.0.{index + 1}";

    public string Address(int index) => $"{Host(index)}:{Port}";

    public string RpcAddress(int count = 2) => string.Join(",", Enumerable.Range(0, count).Select(Address));

    /// <summary>Starts daemon <paramref name="index"/> with the ots backend on the emulator.</summary>
    public async Task<DaemonProcess> StartNodeAsync(int index, bool ha = true, int leaseMs = 2000, params string[] extra)
    {
        var daemon = await DaemonProcess.StartAsync(_temp.Sub($"node{index}"),
        [
            "-D", $"namespace.rpc.bind-host={Host(index)}",
            "-D", $"namespace.rpc.port={Port}",
            "-D", "namespace.backend.type=ots",
            "-D", $"namespace.backend.ots.ha={(ha ? "true" : "false")}",
            "-D", $"namespace.backend.ots.lease-ms={leaseMs}",
            "-D", $"namespace.ots.endpoint={Emulator.Endpoint}",
            "-D", $"namespace.ots.instance={Emulator.Options.InstanceName}",
            "-D", $"namespace.ots.accessKey={Emulator.Options.AccessKeyId}",
            "-D", $"namespace.ots.accessSecret={Emulator.Options.AccessKeySecret}",
            "-D", $"jfs.namespace.server.rpc-address={RpcAddress()}",
            .. extra,
        ]);
        Nodes[index] = daemon;
        return daemon;
    }

    /// <summary>The role a node reports for the namespace (ACTIVE or STANDBY) and its lease epoch.</summary>
    public async Task<(string Role, string Epoch)> RoleAsync(int index)
    {
        using var client = new RawClient(Address(index));
        var status = (await client.MetaStatusAsync(detail: false)).Namespaces.Single(n => n.Name == Namespace);
        return (status.Nodes.Single().Role, status.Properties.GetValueOrDefault("epoch", ""));
    }

    public async Task WaitForRoleAsync(int index, string role, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = (await RoleAsync(index)).Role;
                if (last == role)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException e)
            {
                last = e.Status.Detail;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"node {index} did not become {role} within {timeout.TotalSeconds} s (last: {last})");
    }

    public JindoMetaClient NewClient(int count = 2, TimeSpan? deadline = null) => new(new JindoMetaClientOptions
    {
        Addresses = RpcAddressList.Parse(RpcAddress(count)),
        User = "root",
        Deadline = deadline ?? TimeSpan.FromSeconds(30),
        MaxAttempts = 100,
    });

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        await Emulator.DisposeAsync();
        _temp.Dispose();
    }
}
