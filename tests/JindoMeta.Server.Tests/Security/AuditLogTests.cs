using System.Text.RegularExpressions;
using JindoMeta.Client;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Security;

/// <summary>namespace.audit.enabled through a real daemon: HDFS's audit line for every operation kind, denials as
/// allowed=false, nothing for other failures, and no secret in it.</summary>
public sealed partial class AuditLogTests : IDisposable
{
    private const string Secret = "audit-test-secret-7f3c91";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Every_operation_is_one_hdfs_style_line_and_a_denied_one_says_allowed_false()
    {
        var auditDirectory = _temp.Sub("audit");
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"),
            "-D", "namespace.audit.enabled=true", "-D", $"namespace.audit.dir={auditDirectory}", "-D", $"namespace.ots.accessSecret={Secret}");
        using (var root = Client(daemon, "root"))
        using (var bob = Client(daemon, "bob"))
        {
            await root.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/a", Permission = Convert.ToUInt32("755", 8), Umask = 0 });
            await root.CreateAsync(new Proto.CreateRequest { Namespace = "test", Path = "/a/f", Permission = Convert.ToUInt32("644", 8), Umask = 0 });
            await root.CompleteAsync(new Proto.CompleteRequest { Namespace = "test", Path = "/a/f", Length = 0 });
            await root.SetPermissionAsync(new Proto.SetPermissionRequest { Namespace = "test", Path = "/a/f", Permission = Convert.ToUInt32("600", 8) });
            await root.SetOwnerAsync(new Proto.SetOwnerRequest { Namespace = "test", Path = "/a/f", Owner = "carol", Group = "staff" });
            await root.SetTimesAsync(new Proto.SetTimesRequest { Namespace = "test", Path = "/a/f", ModificationTime = 1000, AccessTime = 1000 });
            await root.GetFileInfoAsync(new Proto.GetFileInfoRequest { Namespace = "test", Path = "/a/f" });
            Assert.Null(await root.TryGetFileInfoAsync("test", "/missing"));
            await root.ListStatusAsync(new Proto.ListStatusRequest { Namespace = "test", Path = "/a" });
            await root.GetContentSummaryAsync(new Proto.GetContentSummaryRequest { Namespace = "test", Path = "/a" });
            await root.RenameAsync(new Proto.RenameRequest { Namespace = "test", Source = "/a/f", Destination = "/a/g" });
            await Assert.ThrowsAsync<JindoMetaException>(() => bob.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/a/x" }));
            await Assert.ThrowsAsync<JindoMetaException>(() => root.DeleteAsync(new Proto.DeleteRequest { Namespace = "test", Path = "/nothing" }));
            await root.DeleteAsync(new Proto.DeleteRequest { Namespace = "test", Path = "/a/g" });
        }

        Assert.Equal(0, await daemon.TerminateAsync()); // the stop flushes the queue
        var file = Assert.Single(Directory.GetFiles(auditDirectory));
        Assert.Matches(@"/hdfs-audit-\d{8}\.log$", file);
        var lines = File.ReadAllLines(file);
        Assert.All(lines, l => Assert.Matches(LinePrefix(), l));
        string[] expected =
        [
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=mkdirs	src=/a	dst=null	perm=root:supergroup:rwxr-xr-x	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=create	src=/a/f	dst=null	perm=root:supergroup:rw-r--r--	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=complete	src=/a/f	dst=null	perm=null	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=setPermission	src=/a/f	dst=null	perm=root:supergroup:rw-------	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=setOwner	src=/a/f	dst=null	perm=carol:staff:rw-------	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=setTimes	src=/a/f	dst=null	perm=null	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=getfileinfo	src=/a/f	dst=null	perm=null	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=getfileinfo	src=/missing	dst=null	perm=null	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=listStatus	src=/a	dst=null	perm=null	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=contentSummary	src=/a	dst=null	perm=null	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=rename	src=/a/f	dst=/a/g	perm=carol:staff:rw-------	proto=rpc	ns=test",
            "allowed=false	ugi=bob (auth:SIMPLE)	ip=/127.0.0.1	cmd=mkdirs	src=/a/x	dst=null	perm=null	proto=rpc	ns=test",
            "allowed=true	ugi=root (auth:SIMPLE)	ip=/127.0.0.1	cmd=delete	src=/a/g	dst=null	perm=null	proto=rpc	ns=test",
        ];
        Assert.Equal(expected, lines.Select(l => l[(l.IndexOf("allowed=", StringComparison.Ordinal))..]).ToArray());
        Assert.DoesNotContain(Secret, File.ReadAllText(file), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_audit_log_off_no_audit_file_is_written()
    {
        var logs = _temp.Sub("logs");
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"), "-D", $"namespace.log.dir={logs}");
        using (var root = Client(daemon, "root"))
        {
            await root.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/quiet" });
        }

        Assert.Equal(0, await daemon.TerminateAsync());
        Assert.Empty(Directory.GetFiles(logs, "hdfs-audit*"));
        Assert.NotEmpty(Directory.GetFiles(logs, "jindometa-*.log"));
    }

    private static JindoMetaClient Client(DaemonProcess daemon, string user) =>
        new(new JindoMetaClientOptions { Addresses = [daemon.Address], User = user, MaxAttempts = 1 });

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} INFO FSNamesystem\.audit: allowed=")]
    private static partial Regex LinePrefix();
}
