using JindoMeta.Client;
using JindoMeta.Server.Tests.Raft;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Security;

/// <summary>With authentication = tls the raft peers speak mutual TLS: a node whose certificate the CA did not issue
/// is kept out of the cluster, and let in once it has one.</summary>
public sealed class RaftTlsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestCertificates _pki;

    public RaftTlsTests() => _pki = new TestCertificates(_temp.Sub("pki"));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_peer_with_an_untrusted_certificate_is_refused_and_catches_up_once_its_certificate_is_trusted()
    {
        var trusted = _pki.Server("node");
        var intruder = _pki.Server("intruder", untrusted: true);
        await using var cluster = new RaftDaemonCluster();
        await Task.WhenAll(StartAsync(cluster, 0, trusted), StartAsync(cluster, 1, trusted), StartAsync(cluster, 2, intruder));

        using var client = new JindoMetaClient(new JindoMetaClientOptions
        {
            Addresses = RpcAddressList.Parse(cluster.RpcAddress),
            User = null,
            MaxAttempts = 50,
            Tls = new ClientTlsOptions { CaFile = _pki.CaFile, CertificateFile = _pki.User("root").Certificate, KeyFile = Path.Combine(_temp.Sub("pki"), "root-key.pem") },
        });
        for (var i = 0; i < 5; i++)
        {
            await client.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = $"/over-tls/{i}", CreateParent = true });
        }

        var leaderApplied = await AppliedIndexOfMembersAsync(cluster);
        await RaftDaemonCluster.WaitForAsync(
            () => cluster.Nodes[0]!.Output.Contains("raft peer connection: the certificate CN=intruder is not issued by a CA in", StringComparison.Ordinal)
                || cluster.Nodes[1]!.Output.Contains("raft peer connection: the certificate CN=intruder is not issued by a CA in", StringComparison.Ordinal),
            "a member refusing the intruder's certificate");
        Assert.Equal("0", (await StatusOfAsync(cluster, 2)).Properties["appliedIndex"]); // it never got an entry

        await cluster.KillAsync(2);
        await StartAsync(cluster, 2, trusted);
        await RaftDaemonCluster.WaitForAsync(async () => long.Parse((await StatusOfAsync(cluster, 2)).Properties["appliedIndex"], System.Globalization.CultureInfo.InvariantCulture) >= leaderApplied,
            "the third node caught up once trusted", TimeSpan.FromSeconds(60));
    }

    private async Task StartAsync(RaftDaemonCluster cluster, int index, (string Certificate, string Key) identity)
    {
        Directory.CreateDirectory(cluster.DataDirectory(index));
        cluster.Nodes[index] = await DaemonProcess.StartAsync(cluster.DataDirectory(index),
        [
            .. cluster.NodeArguments(index),
            "-D", "namespace.security.authentication=tls",
            "-D", $"namespace.security.tls.cert-file={identity.Certificate}",
            "-D", $"namespace.security.tls.key-file={identity.Key}",
            "-D", $"namespace.security.tls.ca-file={_pki.CaFile}",
        ]);
    }

    private async Task<Proto.NamespaceStatus> StatusOfAsync(RaftDaemonCluster cluster, int index)
    {
        using var one = new JindoMetaClient(new JindoMetaClientOptions
        {
            Addresses = [cluster.ClientAddress(index)],
            User = null,
            MaxAttempts = 1,
            // Both CAs: the intruder's RPC port presents its untrusted certificate too, and this test must read its status.
            Tls = new ClientTlsOptions { CaFile = _pki.BothCasFile, CertificateFile = Path.Combine(_temp.Sub("pki"), "root.pem"), KeyFile = Path.Combine(_temp.Sub("pki"), "root-key.pem") },
        });
        return (await one.MetaStatusAsync(new Proto.MetaStatusRequest { Detail = true })).Namespaces[0];
    }

    private async Task<long> AppliedIndexOfMembersAsync(RaftDaemonCluster cluster)
    {
        var applied = 0L;
        foreach (var index in new[] { 0, 1 })
        {
            applied = Math.Max(applied, long.Parse((await StatusOfAsync(cluster, index)).Properties["appliedIndex"], System.Globalization.CultureInfo.InvariantCulture));
        }

        return applied;
    }
}
