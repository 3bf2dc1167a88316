using Grpc.Core;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests;

/// <summary>The namespace service of a real daemon process, called over gRPC.</summary>
public sealed class NamespaceServiceTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private DaemonProcess _daemon = null!;
    private RawClient _client = null!;

    public async Task InitializeAsync()
    {
        _daemon = await DaemonProcess.StartAsync(_temp.Sub("data"), "-D", "jfs.namespaces=test,other",
            "-D", "hadoop.user.group.static.mapping.overrides=alice=staff;bob=users");
        _client = new RawClient(_daemon.Address);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _daemon.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Every_operation_works_through_the_service()
    {
        var dir = await _client.MkdirsAsync("/user/alice", ns: "test");
        Assert.Equal(Proto.FileType.Directory, dir.Status.Type);
        Assert.Equal(0x1EDu, dir.Status.Permission); // 0777 & ~022

        await _client.CreateAsync("/user/alice/data.csv", ns: "test");
        var closed = await _client.CompleteAsync("/user/alice/data.csv", 1234, ns: "test");
        Assert.Equal(1234, closed.Status.Length);
        Assert.False(closed.Status.UnderConstruction);

        var info = await _client.GetFileInfoAsync("/user/alice/data.csv", ns: "test");
        Assert.Equal(0x1A4u, info.Status.Permission); // 0666 & ~022
        Assert.Equal([1234L], info.Status.Blocks.Select(b => b.NumBytes));
        Assert.Equal(3, info.Status.Replication);
        Assert.Equal(128L << 20, info.Status.BlockSize);

        await _client.CallAsync((c, o) => c.RenameAsync(new Proto.RenameRequest { Namespace = "test", Source = "/user/alice/data.csv", Destination = "/user/alice/renamed.csv" }, o));
        await _client.CallAsync((c, o) => c.SetPermissionAsync(new Proto.SetPermissionRequest { Namespace = "test", Path = "/user/alice", Permission = 0x1C0 }, o));
        await _client.CallAsync((c, o) => c.SetOwnerAsync(new Proto.SetOwnerRequest { Namespace = "test", Path = "/user/alice", Owner = "alice", Group = "staff" }, o));
        await _client.CallAsync((c, o) => c.SetTimesAsync(new Proto.SetTimesRequest { Namespace = "test", Path = "/user/alice/renamed.csv", ModificationTime = 1_000, AccessTime = -1 }, o));

        var listing = await _client.ListAsync("/user/alice", ns: "test");
        var entry = Assert.Single(listing.Entries);
        Assert.Equal(("/user/alice/renamed.csv", 1000L), (entry.Path, entry.ModificationTime));
        Assert.Empty(entry.Blocks); // listings never carry block lists
        var alice = await _client.GetFileInfoAsync("/user/alice", ns: "test");
        Assert.Equal(("alice", "staff", 0x1C0u), (alice.Status.Owner, alice.Status.Group, alice.Status.Permission));

        var summary = await _client.CallAsync((c, o) => c.GetContentSummaryAsync(new Proto.GetContentSummaryRequest { Namespace = "test", Path = "/" }, o));
        Assert.Equal((3L, 1L, 1234L), (summary.DirectoryCount, summary.FileCount, summary.Length));

        await _client.DeleteAsync("/user", recursive: true, ns: "test");
        Assert.Empty((await _client.ListAsync("/", ns: "test")).Entries);
    }

    [Fact]
    public async Task Errors_carry_a_status_and_the_numeric_jindometa_code()
    {
        await _client.MkdirsAsync("/exists", ns: "test");

        var notFound = await Assert.ThrowsAsync<RpcException>(() => _client.GetFileInfoAsync("/missing", ns: "test"));
        var exists = await Assert.ThrowsAsync<RpcException>(() => _client.MkdirsAsync("/exists", parents: false, ns: "test"));
        var badPath = await Assert.ThrowsAsync<RpcException>(() => _client.GetFileInfoAsync("relative/path", ns: "test"));

        Assert.Equal((StatusCode.NotFound, "25001", "/missing: No such file or directory"), (notFound.StatusCode, notFound.Trailers.GetValue("jindo-error-code"), notFound.Status.Detail));
        Assert.Equal((StatusCode.AlreadyExists, "25002"), (exists.StatusCode, exists.Trailers.GetValue("jindo-error-code")));
        Assert.Equal((StatusCode.InvalidArgument, "25006"), (badPath.StatusCode, badPath.Trailers.GetValue("jindo-error-code")));
        Assert.Contains("not absolute", badPath.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_caller_identity_and_groups_decide_permissions()
    {
        await _client.MkdirsAsync("/private", ns: "test");
        await _client.CallAsync((c, o) => c.SetPermissionAsync(new Proto.SetPermissionRequest { Namespace = "test", Path = "/private", Permission = 0x1C0 }, o));

        var denied = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CallAsync((c, o) => c.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/private/x" }, o), asUser: "bob"));
        var anonymous = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CallAsync((c, o) => c.MkdirsAsync(new Proto.MkdirsRequest { Namespace = "test", Path = "/x" }, o), asUser: ""));

        Assert.Equal((StatusCode.PermissionDenied, "25005"), (denied.StatusCode, denied.Trailers.GetValue("jindo-error-code")));
        Assert.Contains("user=bob", denied.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
    }

    [Fact]
    public async Task Namespaces_are_separate_trees_and_an_unknown_one_is_named()
    {
        await _client.MkdirsAsync("/only-in-other", ns: "other");

        await Assert.ThrowsAsync<RpcException>(() => _client.GetFileInfoAsync("/only-in-other", ns: "test"));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => _client.GetFileInfoAsync("/", ns: "nope"));
        var unnamed = await Assert.ThrowsAsync<RpcException>(() => _client.GetFileInfoAsync("/", ns: ""));

        Assert.Equal("Namespace 'nope' is not served here (served: other, test)", unknown.Status.Detail);
        Assert.Equal((StatusCode.NotFound, "25014"), (unknown.StatusCode, unknown.Trailers.GetValue("jindo-error-code")));
        Assert.Equal(StatusCode.InvalidArgument, unnamed.StatusCode);
        Assert.NotNull((await _client.GetFileInfoAsync("/only-in-other", ns: "other")).Status);
    }

    [Fact]
    public async Task Meta_status_reports_a_single_rocksdb_node_as_leader()
    {
        await _client.MkdirsAsync("/counted", ns: "test");

        var status = await _client.MetaStatusAsync(detail: true);

        Assert.Equal("rocksdb", status.BackendType);
        var test = status.Namespaces.Single(n => n.Name == "test");
        var node = Assert.Single(test.Nodes);
        Assert.Equal(("LEADER", "RUNNING"), (node.Role, node.State));
        Assert.Equal(_daemon.Address, node.Address); // the bound port, not the configured 0
        Assert.True(node.LastCommittedIndex >= 1);
        Assert.Equal("n/a", test.Properties["_synced"]);
        Assert.True(test.Properties.ContainsKey("commandsPerSyncedWrite"));
    }
}
