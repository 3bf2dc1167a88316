using System.Text.RegularExpressions;
using JindoMeta.Client;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Security;

/// <summary>namespace.audit.enabled through a real daemon: HDFS's audit line for every operation kind, denials as
/// allowed=false, nothing for other failures, escaped paths, and no secret in it.</summary>
public sealed partial class AuditLogTests : IDisposable
{
    private const string Secret = "audit-test-secret-7f3c91";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Every_operation_of_a_normal_user_is_one_hdfs_style_line_and_denied_ones_say_allowed_false()
    {
        var logs = _temp.Sub("logs");
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"),
            "-D", "namespace.audit.enabled=true", "-D", $"namespace.log.dir={logs}", "-D", $"namespace.ots.accessSecret={Secret}",
            "-D", "hadoop.user.group.static.mapping.overrides=alice=staff,analysts;bob=bob");
        using (var root = Client(daemon, "root"))
        using (var alice = Client(daemon, "alice"))
        {
            // Set-up by the superuser: alice's home, and bob's private directory (0700).
            await root.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/alice", Permission = Mode("755"), Umask = 0 });
            await root.SetOwnerAsync(new Proto.SetOwnerRequest { Namespace = "test", Path = "/alice", Owner = "alice", Group = "staff" });
            await root.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/private", Permission = Mode("700"), Umask = 0 });
            await root.SetOwnerAsync(new Proto.SetOwnerRequest { Namespace = "test", Path = "/private", Owner = "bob", Group = "bob" });

            await alice.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/alice/d", Permission = Mode("755"), Umask = 0 });
            await alice.CreateAsync(new Proto.CreateRequest { Namespace = "test", Path = "/alice/d/f", Permission = Mode("644"), Umask = 0 });
            await alice.CompleteAsync(new Proto.CompleteRequest { Namespace = "test", Path = "/alice/d/f", Length = 0 });
            await alice.SetPermissionAsync(new Proto.SetPermissionRequest { Namespace = "test", Path = "/alice/d/f", Permission = Mode("1640") });
            await alice.SetOwnerAsync(new Proto.SetOwnerRequest { Namespace = "test", Path = "/alice/d/f", Group = "analysts" });
            await alice.SetTimesAsync(new Proto.SetTimesRequest { Namespace = "test", Path = "/alice/d/f", ModificationTime = 1000, AccessTime = 1000 });
            await alice.GetFileInfoAsync(new Proto.GetFileInfoRequest { Namespace = "test", Path = "/alice/d/f" });
            Assert.Null(await alice.TryGetFileInfoAsync("test", "/alice/missing"));
            await alice.ListStatusAsync(new Proto.ListStatusRequest { Namespace = "test", Path = "/alice/d" });
            await alice.GetContentSummaryAsync(new Proto.GetContentSummaryRequest { Namespace = "test", Path = "/alice/d" });
            await alice.RenameAsync(new Proto.RenameRequest { Namespace = "test", Source = "/alice/d/f", Destination = "/alice/d/g" });
            await Assert.ThrowsAsync<JindoMetaException>(() => alice.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/private/x" }));
            await Assert.ThrowsAsync<JindoMetaException>(() => alice.RenameAsync(new Proto.RenameRequest { Namespace = "test", Source = "/alice/d/g", Destination = "/private/g" }));
            await Assert.ThrowsAsync<JindoMetaException>(() => alice.ListStatusAsync(new Proto.ListStatusRequest { Namespace = "test", Path = "/private" }));
            await Assert.ThrowsAsync<JindoMetaException>(() => alice.DeleteAsync(new Proto.DeleteRequest { Namespace = "test", Path = "/alice/nothing" })); // not found: no line
            await alice.DeleteAsync(new Proto.DeleteRequest { Namespace = "test", Path = "/alice/d/g" });
            // A tab or newline in a path must not split a field or forge a line; HDFS escapes src and dst as Java strings.
            await alice.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/alice/tab\there\nallowed=true\t\"caf\u00e9\"\\", Permission = Mode("755"), Umask = 0 });
        }

        Assert.Equal(0, await daemon.TerminateAsync()); // the stop flushes the queue
        var file = Assert.Single(Directory.GetFiles(logs, "hdfs-audit*"));
        Assert.Matches(@"/hdfs-audit-\d{8}\.log$", file); // namespace.audit.file's default, under namespace.log.dir
        var lines = File.ReadAllLines(file);
        Assert.All(lines, l => Assert.Matches(LinePrefix(), l));
        const string Root = "ugi=root (auth:SIMPLE)\tip=/127.0.0.1";
        const string Alice = "ugi=alice (auth:SIMPLE)\tip=/127.0.0.1";
        string[] expected =
        [
            $"allowed=true\t{Root}\tcmd=mkdirs\tsrc=/alice\tdst=null\tperm=root:supergroup:rwxr-xr-x\tproto=rpc\tns=test",
            $"allowed=true\t{Root}\tcmd=setOwner\tsrc=/alice\tdst=null\tperm=alice:staff:rwxr-xr-x\tproto=rpc\tns=test",
            $"allowed=true\t{Root}\tcmd=mkdirs\tsrc=/private\tdst=null\tperm=root:supergroup:rwx------\tproto=rpc\tns=test",
            $"allowed=true\t{Root}\tcmd=setOwner\tsrc=/private\tdst=null\tperm=bob:bob:rwx------\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=mkdirs\tsrc=/alice/d\tdst=null\tperm=alice:staff:rwxr-xr-x\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=create\tsrc=/alice/d/f\tdst=null\tperm=alice:staff:rw-r--r--\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=complete\tsrc=/alice/d/f\tdst=null\tperm=null\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=setPermission\tsrc=/alice/d/f\tdst=null\tperm=alice:staff:rw-r----T\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=setOwner\tsrc=/alice/d/f\tdst=null\tperm=alice:analysts:rw-r----T\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=setTimes\tsrc=/alice/d/f\tdst=null\tperm=alice:analysts:rw-r----T\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=getfileinfo\tsrc=/alice/d/f\tdst=null\tperm=null\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=getfileinfo\tsrc=/alice/missing\tdst=null\tperm=null\tproto=rpc\tns=test", // HDFS: null status, allowed
            $"allowed=true\t{Alice}\tcmd=listStatus\tsrc=/alice/d\tdst=null\tperm=null\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=contentSummary\tsrc=/alice/d\tdst=null\tperm=null\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=rename\tsrc=/alice/d/f\tdst=/alice/d/g\tperm=alice:analysts:rw-r----T\tproto=rpc\tns=test",
            $"allowed=false\t{Alice}\tcmd=mkdirs\tsrc=/private/x\tdst=null\tperm=null\tproto=rpc\tns=test",
            $"allowed=false\t{Alice}\tcmd=rename\tsrc=/alice/d/g\tdst=/private/g\tperm=null\tproto=rpc\tns=test",
            $"allowed=false\t{Alice}\tcmd=listStatus\tsrc=/private\tdst=null\tperm=null\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=delete\tsrc=/alice/d/g\tdst=null\tperm=null\tproto=rpc\tns=test",
            $"allowed=true\t{Alice}\tcmd=mkdirs\tsrc=/alice/tab\\there\\nallowed=true\\t\\\"caf\\u00E9\\\"\\\\\tdst=null\tperm=alice:staff:rwxr-xr-x\tproto=rpc\tns=test",
        ];
        Assert.Equal(expected, lines.Select(l => l[l.IndexOf("allowed=", StringComparison.Ordinal)..]).ToArray());

        Assert.DoesNotContain(Secret, File.ReadAllText(file), StringComparison.Ordinal);
        var mainLogs = Directory.GetFiles(logs, "jindometa-*.log");
        Assert.NotEmpty(mainLogs);
        Assert.All(mainLogs, log => Assert.DoesNotContain(Secret, File.ReadAllText(log), StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_absolute_audit_file_is_written_where_it_names()
    {
        var auditDirectory = _temp.Sub("audit");
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"),
            "-D", "namespace.audit.enabled=true", "-D", $"namespace.audit.file={Path.Combine(auditDirectory, "ops.audit")}");
        using (var root = Client(daemon, "root"))
        {
            await root.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/here" });
        }

        Assert.Equal(0, await daemon.TerminateAsync());
        var file = Assert.Single(Directory.GetFiles(auditDirectory));
        Assert.Matches(@"/ops-\d{8}\.audit$", file);
        Assert.EndsWith("\tcmd=mkdirs\tsrc=/here\tdst=null\tperm=root:supergroup:rwxr-xr-x\tproto=rpc\tns=test", Assert.Single(File.ReadAllLines(file)), StringComparison.Ordinal);
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

    private static uint Mode(string octal) => Convert.ToUInt32(octal, 8);

    private static JindoMetaClient Client(DaemonProcess daemon, string user) =>
        new(new JindoMetaClientOptions { Addresses = [daemon.Address], User = user, MaxAttempts = 1 });

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} INFO FSNamesystem\.audit: allowed=")]
    private static partial Regex LinePrefix();
}
