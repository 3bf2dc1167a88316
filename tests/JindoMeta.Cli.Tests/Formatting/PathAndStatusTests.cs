using JindoMeta.Cli.Admin;
using JindoMeta.Cli.Shell;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Tests.Formatting;

public sealed class PathAndStatusTests
{
    [Theory]
    [InlineData("jfs://test/", "test", "/", "jfs://test/")]
    [InlineData("jfs://test", "test", "/", "jfs://test")]
    [InlineData("jfs://test//a//b/", "test", "/a/b", "jfs://test/a/b/")] // as typed until found: the trailing slash stays
    [InlineData("/a/b", "", "/a/b", "/a/b")]
    public void Paths_normalize_like_hadoop(string argument, string ns, string path, string display) =>
        Assert.Equal(new JfsPath(ns, path, display), JfsPath.Parse(argument));

    [Fact]
    public void Children_and_parents_keep_the_argument_form()
    {
        Assert.Equal("jfs://test/a", JfsPath.Parse("jfs://test/").Child("a").Display);
        Assert.Equal("jfs://test/a", JfsPath.Parse("jfs://test").Child("a").Display);
        Assert.Equal("jfs://test/a/b", JfsPath.Parse("jfs://test/a").Child("b").Display);
        Assert.Equal(new JfsPath("test", "/", "jfs://test/"), JfsPath.Parse("jfs://test/a").Parent());
        Assert.Equal("b", JfsPath.Parse("jfs://test/a/b").Name);
    }

    [Fact]
    public void Other_schemes_and_relative_paths_are_refused_with_a_reason()
    {
        Assert.Equal("No FileSystem for scheme \"hdfs\"", Assert.Throws<ShellException>(() => JfsPath.Parse("hdfs://nn/a")).Message);
        Assert.Contains("Relative paths are not supported", Assert.Throws<ShellException>(() => JfsPath.Parse("a/b")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Meta_status_prints_one_grepable_line_per_fact()
    {
        var ns = new NamespaceStatus { Name = "test", BackendType = "rocksdb" };
        ns.Nodes.Add(new NodeStatus { Address = "127.0.0.1:8101", Role = "LEADER", State = "RUNNING", LastCommittedIndex = 42 });
        ns.Properties["_synced"] = "n/a";
        ns.Properties["dataDirectory"] = "/var/lib/jindo meta";
        var response = new MetaStatusResponse { BackendType = "rocksdb" };
        response.Namespaces.Add(ns);

        Assert.Equal(
            "backend=rocksdb namespaces=1\nnamespace=test backend=rocksdb\n  127.0.0.1:8101 LEADER state=RUNNING lastIndex=42\n  _synced=n/a\n  dataDirectory=/var/lib/jindo_meta\n",
            MetaStatusFormat.Format(response));
    }

    [Fact]
    public void Meta_status_on_raft_with_upload_carries_synced_on_the_leader_line()
    {
        var ns = new NamespaceStatus { Name = "test", BackendType = "raft" };
        ns.Nodes.Add(new NodeStatus { Address = "host1:8103", Role = "LEADER", State = "RUNNING", LastCommittedIndex = 9, Synced = "1" });
        ns.Nodes.Add(new NodeStatus { Address = "host2:8103", Role = "FOLLOWER", State = "RUNNING", LastCommittedIndex = 9 });
        ns.Properties["_synced"] = "1";
        var response = new MetaStatusResponse { BackendType = "raft" };
        response.Namespaces.Add(ns);

        Assert.Equal(
            "backend=raft namespaces=1\nnamespace=test backend=raft\n  host1:8103 LEADER state=RUNNING lastIndex=9 _synced=1\n" +
            "  host2:8103 FOLLOWER state=RUNNING lastIndex=9\n  _synced=1\n",
            MetaStatusFormat.Format(response));
    }
}
