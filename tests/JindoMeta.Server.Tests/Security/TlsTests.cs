using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using JindoMeta.Client;
using JindoMeta.Server.Tests.Raft;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Security;

/// <summary>
/// namespace.security.authentication = tls through a real daemon: who the caller is comes from its client
/// certificate, proxy users act for others only as allowed, refusals say why, and certificates rotate without restart.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestCertificates _pki;

    public TlsTests() => _pki = new TestCertificates(_temp.Sub("pki"));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_caller_is_the_user_its_certificate_names_and_permission_checks_follow_it()
    {
        await using var daemon = await StartAsync();
        using var root = Client(daemon, _pki.User("root"));
        using var alice = Client(daemon, _pki.User("alice"));
        await MkdirAsync(root, "/private", "700");
        await MkdirAsync(root, "/shared", "777");

        var made = await MkdirAsync(alice, "/shared/mine");
        Assert.Equal("alice", made.Owner);
        var denied = await Assert.ThrowsAsync<JindoMetaException>(() => MkdirAsync(alice, "/private/x"));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("user=alice", denied.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_user_from_san_email_the_user_is_the_address_before_the_at_sign()
    {
        await using var daemon = await StartAsync("-D", "namespace.security.tls.user-from=san-email");
        using (var root = Client(daemon, _pki.User("admin", email: "root@example.com")))
        {
            await MkdirAsync(root, "/shared", "777");
        }

        using var dora = Client(daemon, _pki.User("Dora Explorer", fileName: "dora", email: "dora@example.com"));
        Assert.Equal("dora", (await MkdirAsync(dora, "/shared/d")).Owner);
        using var nameless = Client(daemon, _pki.User("carol"));
        var refused = await Assert.ThrowsAsync<JindoMetaException>(() => InfoAsync(nameless, "/"));
        Assert.Contains("CN=carol has no e-mail subject alternative name", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_client_auth_none_the_connection_is_encrypted_and_the_user_is_the_header()
    {
        await using var daemon = await StartAsync("-D", "namespace.security.tls.client-auth=none");
        using var bob = new JindoMetaClient(new JindoMetaClientOptions
        {
            Addresses = [daemon.Address], User = "bob", MaxAttempts = 1, Tls = new ClientTlsOptions { CaFile = _pki.CaFile },
        });
        Assert.Equal("root", (await InfoAsync(bob, "/")).Owner);
        var denied = await Assert.ThrowsAsync<JindoMetaException>(() => MkdirAsync(bob, "/b"));
        Assert.Contains("user=bob", denied.Message, StringComparison.Ordinal);
        using var cleartext = new JindoMetaClient(new JindoMetaClientOptions { Addresses = [daemon.Address], User = "bob", MaxAttempts = 1 });
        await Assert.ThrowsAsync<JindoMetaException>(() => InfoAsync(cleartext, "/"));
    }

    [Fact]
    public async Task A_connection_without_a_trusted_valid_certificate_is_refused_with_the_reason()
    {
        await using var daemon = await StartAsync();

        using var none = new JindoMetaClient(new JindoMetaClientOptions
        {
            Addresses = [daemon.Address], User = "root", MaxAttempts = 1, Tls = new ClientTlsOptions { CaFile = _pki.CaFile },
        });
        var missing = await Assert.ThrowsAsync<JindoMetaException>(() => InfoAsync(none, "/"));
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Contains("no client certificate", missing.Message, StringComparison.Ordinal);

        using var expired = Client(daemon, _pki.User("alice", expired: true, fileName: "alice-expired"));
        var old = await Assert.ThrowsAsync<JindoMetaException>(() => InfoAsync(expired, "/"));
        Assert.Equal(StatusCode.Unauthenticated, old.StatusCode);
        Assert.Contains("CN=alice expired on", old.Message, StringComparison.Ordinal);

        using var stranger = Client(daemon, _pki.User("mallory", untrusted: true));
        var foreign = await Assert.ThrowsAsync<JindoMetaException>(() => MkdirAsync(stranger, "/m"));
        Assert.Equal(StatusCode.Unauthenticated, foreign.StatusCode);
        Assert.Contains("CN=mallory is not issued by a CA in", foreign.Message, StringComparison.Ordinal);

        using var cleartext = new JindoMetaClient(new JindoMetaClientOptions { Addresses = [daemon.Address], User = "root", MaxAttempts = 1 });
        await Assert.ThrowsAsync<JindoMetaException>(() => InfoAsync(cleartext, "/"));
        using var root = Client(daemon, _pki.User("root"));
        Assert.Equal("/", (await InfoAsync(root, "/")).Path); // the refusals changed nothing for others
    }

    [Fact]
    public async Task A_proxy_user_acts_for_others_only_as_its_users_groups_and_hosts_allow()
    {
        var audit = _temp.Sub("audit");
        await using var daemon = await StartAsync(
            "-D", "namespace.audit.enabled=true", "-D", $"namespace.audit.file={audit}/hdfs-audit.log",
            "-D", "hadoop.proxyuser.gateway.users=root,carol",
            "-D", "hadoop.proxyuser.gateway.hosts=127.0.0.0/8",
            "-D", "hadoop.proxyuser.remote.users=*",
            "-D", "hadoop.proxyuser.remote.hosts=10.0.0.0/8");
        var gateway = _pki.User("gateway");

        using var asRoot = Client(daemon, gateway, actAs: "root");
        var made = await MkdirAsync(asRoot, "/by-gateway");
        Assert.Equal("root", made.Owner);

        using var asBob = Client(daemon, gateway, actAs: "bob");
        var notListed = await Assert.ThrowsAsync<JindoMetaException>(() => MkdirAsync(asBob, "/bob"));
        Assert.Equal(StatusCode.PermissionDenied, notListed.StatusCode);
        Assert.Contains("User: gateway is not allowed to impersonate bob", notListed.Message, StringComparison.Ordinal);

        using var elsewhere = Client(daemon, _pki.User("remote"), actAs: "root");
        var wrongHost = await Assert.ThrowsAsync<JindoMetaException>(() => MkdirAsync(elsewhere, "/r"));
        Assert.Contains("Unauthorized connection for super-user: remote from IP 127.0.0.1", wrongHost.Message, StringComparison.Ordinal);

        using var alice = Client(daemon, _pki.User("alice"), actAs: "root"); // not a proxy user at all
        var plain = await Assert.ThrowsAsync<JindoMetaException>(() => MkdirAsync(alice, "/a"));
        Assert.Contains("User: alice is not allowed to impersonate root", plain.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<JindoMetaException>(() => InfoAsync(asRoot, "/a"));
        await Assert.ThrowsAsync<JindoMetaException>(() => InfoAsync(asRoot, "/r"));

        Assert.Equal(0, await daemon.TerminateAsync());
        var lines = File.ReadAllLines(Assert.Single(Directory.GetFiles(audit)));
        Assert.Contains(lines, l => l.EndsWith("allowed=true\tugi=root (auth:PROXY) via gateway (auth:CERTIFICATE)\tip=/127.0.0.1\tcmd=mkdirs\tsrc=/by-gateway\tdst=null\tperm=root:supergroup:rwxr-xr-x\tproto=rpc\tns=test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replaced_certificate_files_are_presented_to_new_connections_without_a_restart()
    {
        var (certificate, key) = _pki.Server();
        await using var daemon = await StartAsync();
        using var client = Client(daemon, _pki.User("root"));
        await MkdirAsync(client, "/before");
        var first = await PresentedCertificateAsync(daemon.Port);

        var (next, nextKey) = _pki.Server("server-next");
        File.Copy(nextKey, key, overwrite: true);
        File.Copy(next, certificate, overwrite: true);
        var expected = X509Certificate2.CreateFromPem(File.ReadAllText(next)).SerialNumber;
        await RaftDaemonCluster.WaitForAsync(async () => (await PresentedCertificateAsync(daemon.Port)).SerialNumber == expected,
            "the replaced certificate presented", TimeSpan.FromSeconds(15));

        Assert.NotEqual(expected, first.SerialNumber);
        using var fresh = Client(daemon, _pki.User("root"));
        Assert.Equal("root", (await InfoAsync(fresh, "/before")).Owner);
        await MkdirAsync(client, "/after"); // the connection opened before the change still works
        Assert.Contains("TLS certificate reloaded", daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_speaks_tls_with_a_client_certificate_from_its_environment()
    {
        await using var daemon = await StartAsync();
        var (certificate, key) = _pki.User("alice");
        var environment = new Dictionary<string, string?>
        {
            ["JINDO_TLS_CA_FILE"] = _pki.CaFile,
            ["JINDO_TLS_CERT_FILE"] = certificate,
            ["JINDO_TLS_KEY_FILE"] = key,
            ["HADOOP_USER_NAME"] = null, // the certificate names the user
        };
        using (var root = Client(daemon, _pki.User("root")))
        {
            await MkdirAsync(root, "/home", "777");
        }

        var made = await JindoCli.RunAsync(daemon.Address, environment, "fs", "-mkdir", "jfs://test/home/alice");
        Assert.True(made.ExitCode == 0, made.Error);
        var listed = await JindoCli.RunAsync(daemon.Address, environment, "fs", "-ls", "jfs://test/home");
        Assert.True(listed.ExitCode == 0, listed.Error);
        Assert.Matches(@"drwxr-xr-x\s+- alice\s+\S+\s+0 .* jfs://test/home/alice", listed.Out);

        var untrusting = await JindoCli.RunAsync(daemon.Address,
            new Dictionary<string, string?>(environment) { ["JINDO_TLS_CA_FILE"] = _pki.User("other-ca-holder", untrusted: true).Certificate },
            "fs", "-ls", "jfs://test/");
        Assert.NotEqual(0, untrusting.ExitCode);
        Assert.Contains("TLS handshake with", untrusting.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_js_and_python_grpcio_connect_with_tls_and_a_client_certificate()
    {
        await using var daemon = await StartAsync();
        using (var root = Client(daemon, _pki.User("root")))
        {
            await MkdirAsync(root, "/shared", "777");
        }

        var (certificate, key) = _pki.User("alice");
        var jsOut = await PeerScript.RunNodeAsync("tls-client.js", daemon.Address, PeerScript.ProtoRoot, _pki.CaFile, certificate, key);
        Assert.Equal("{\"owner\":\"alice\",\"path\":\"/shared/js-dir\"}", Assert.Single(jsOut));

        var pyOut = await PeerScript.RunPythonAsync("tls_client.py", daemon.Address, _pki.CaFile, certificate, key);
        Assert.Equal(["health SERVING", "mkdirs owner alice", "no-certificate UNAUTHENTICATED"], pyOut);
    }

    [Fact]
    public async Task Key_material_never_appears_in_the_log_or_print_config()
    {
        var (_, key) = _pki.Server();
        await using (var daemon = await StartAsync())
        {
            using var client = Client(daemon, _pki.User("mallory", untrusted: true));
            await Assert.ThrowsAsync<JindoMetaException>(() => InfoAsync(client, "/"));
            Assert.Equal(0, await daemon.TerminateAsync());
            Assert.DoesNotContain(TestCertificates.KeyBody(key), daemon.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", daemon.Output, StringComparison.Ordinal);
        }

        var printed = await DaemonProcess.RunToExitAsync(null, [.. TlsArguments(), "--print-config"]);
        Assert.Equal(0, printed.ExitCode);
        Assert.Contains($"namespace.security.tls.key-file = {key}", printed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", printed.Stdout + printed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(TestCertificates.KeyBody(key), printed.Stdout + printed.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("namespace.security.tls.cert-file", "namespace.security.authentication = tls needs namespace.security.tls.cert-file")]
    [InlineData("namespace.security.tls.ca-file", "namespace.security.authentication = tls needs namespace.security.tls.ca-file (namespace.security.tls.client-auth = required")]
    public async Task Tls_without_a_needed_file_stops_with_one_line_naming_the_key(string missing, string expected)
    {
        var arguments = TlsArguments().ToList();
        var at = arguments.FindIndex(a => a.StartsWith(missing + "=", StringComparison.Ordinal));
        arguments.RemoveRange(at - 1, 2);
        var (exitCode, stdout, stderr) = await DaemonProcess.RunToExitAsync(null, [.. arguments, "-D", $"namespace.data.dir={_temp.Sub("d")}"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_that_does_not_match_its_certificate_stops_start_up_naming_both_files()
    {
        var (certificate, _) = _pki.Server();
        var (_, otherKey) = _pki.User("someone");
        var (exitCode, stdout, stderr) = await DaemonProcess.RunToExitAsync(null,
            [.. TlsArguments(), "-D", $"namespace.security.tls.key-file={otherKey}", "-D", $"namespace.data.dir={_temp.Sub("d")}", "-D", "namespace.rpc.port=0", "-D", "namespace.metrics.port=0", "-D", "namespace.log.dir="]);
        Assert.Equal(1, exitCode);
        var line = Assert.Single((stdout + stderr).Split('\n'), l => l.StartsWith("jindometa: ", StringComparison.Ordinal));
        Assert.Contains($"cannot load the TLS certificate {certificate} with key {otherKey}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simple_authentication_beyond_loopback_warns_at_start_and_tls_does_not()
    {
        await using (var open = await DaemonProcess.StartAsync(_temp.Sub("open"), "-D", "namespace.rpc.bind-host=0.0.0.0"))
        {
            Assert.Contains("Authentication is simple and the RPC port listens on 0.0.0.0: anyone who can reach it may act as any user", open.Output, StringComparison.Ordinal);
        }

        await using (var loopback = await DaemonProcess.StartAsync(_temp.Sub("loopback")))
        {
            Assert.DoesNotContain("Authentication is simple", loopback.Output, StringComparison.Ordinal);
        }

        await using var secured = await DaemonProcess.StartAsync(_temp.Sub("secured"), [.. TlsArguments(), "-D", "namespace.rpc.bind-host=0.0.0.0"]);
        Assert.DoesNotContain("Authentication is simple", secured.Output, StringComparison.Ordinal);
    }

    private string[] TlsArguments()
    {
        var (certificate, key) = (Path.Combine(_temp.Sub("pki"), "server.pem"), Path.Combine(_temp.Sub("pki"), "server-key.pem"));
        if (!File.Exists(certificate))
        {
            _pki.Server();
        }

        return
        [
            "-D", "namespace.security.authentication=tls",
            "-D", $"namespace.security.tls.cert-file={certificate}",
            "-D", $"namespace.security.tls.key-file={key}",
            "-D", $"namespace.security.tls.ca-file={_pki.CaFile}",
        ];
    }

    private Task<DaemonProcess> StartAsync(params string[] extra) => DaemonProcess.StartAsync(_temp.Sub("data"), [.. TlsArguments(), .. extra]);

    private JindoMetaClient Client(DaemonProcess daemon, (string Certificate, string Key) identity, string? actAs = null) => new(new JindoMetaClientOptions
    {
        Addresses = [daemon.Address],
        User = actAs,
        MaxAttempts = 1,
        Tls = new ClientTlsOptions { CaFile = _pki.CaFile, CertificateFile = identity.Certificate, KeyFile = identity.Key },
    });

    private static async Task<Proto.FileStatus> MkdirAsync(JindoMetaClient client, string path, string mode = "755") =>
        (await client.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = path, Permission = Convert.ToUInt32(mode, 8), Umask = 0 }))!;

    private static Task<Proto.FileStatus> InfoAsync(JindoMetaClient client, string path) =>
        client.GetFileInfoAsync(new Proto.GetFileInfoRequest { Namespace = "test", Path = path });

    /// <summary>The certificate the server presents to a new connection, read from a handshake of our own.</summary>
    private static async Task<X509Certificate2> PresentedCertificateAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ApplicationProtocols = [SslApplicationProtocol.Http2],
        });
        return new X509Certificate2(tls.RemoteCertificate!);
    }
}
