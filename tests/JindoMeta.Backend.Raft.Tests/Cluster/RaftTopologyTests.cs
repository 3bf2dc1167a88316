using System.Net;
using JindoMeta.Backend.Raft.Cluster;

namespace JindoMeta.Backend.Raft.Tests.Cluster;

public sealed class RaftTopologyTests
{
    private const string Conf = "127.0.0.1:8103:0,127.0.0.2:8103:0,127.0.0.3:8103:0";
    private static readonly IPAddress[] Loopbacks = [IPAddress.Loopback, IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3")];

    private static RaftTopology Resolve(string bindHost, string? self = null, string conf = Conf, string rpc = "") =>
        RaftTopology.Resolve(conf, rpc, 8101, bindHost, self, Loopbacks, "box");

    [Theory]
    [InlineData("127.0.0.1", 1ul)]
    [InlineData("127.0.0.2", 2ul)]
    [InlineData("127.0.0.3", 3ul)]
    public void A_node_finds_itself_by_its_bind_address(string bindHost, ulong expected)
    {
        var topology = Resolve(bindHost);

        Assert.Equal(expected, topology.Self.NodeId);
        Assert.Equal([1ul, 2ul, 3ul], topology.Peers.Select(p => p.NodeId));
        Assert.DoesNotContain(topology.Others, p => p.NodeId == expected);
    }

    [Fact]
    public void Binding_every_address_on_a_machine_that_is_several_members_needs_the_self_key()
    {
        var error = Assert.Throws<FormatException>(() => Resolve("0.0.0.0"));
        Assert.Contains(RaftTopology.SelfKey, error.Message, StringComparison.Ordinal);

        Assert.Equal(2ul, Resolve("0.0.0.0", self: "127.0.0.2:8103").Self.NodeId);
    }

    [Fact]
    public void Binding_every_address_finds_the_member_named_like_the_machine()
    {
        var topology = RaftTopology.Resolve("other-1:8103:0,box:8103:0,other-3:8103:0", "", 8101, "0.0.0.0", null, [IPAddress.Loopback], "box");

        Assert.Equal(2ul, topology.Self.NodeId);
        Assert.Equal("box:8101", topology.Self.ClientAddress);
    }

    [Theory]
    [InlineData("127.0.0.9", null, "none of the members")]
    [InlineData("127.0.0.1", "127.0.0.9:8103", "is not a member")]
    public void A_node_that_is_not_listed_is_a_one_line_error_naming_the_keys(string bindHost, string? self, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Resolve(bindHost, self));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(RaftTopology.InitialConfKey, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:8103:0,127.0.0.2:8103:0")]
    [InlineData("127.0.0.1:8103:0,127.0.0.2:8103:0,127.0.0.3:8103:0,127.0.0.4:8103:0")]
    [InlineData("127.0.0.1:8103:0,127.0.0.1:8103:0,127.0.0.3:8103:0")]
    public void A_list_that_is_not_three_distinct_members_is_refused(string conf)
    {
        var error = Assert.Throws<FormatException>(() => Resolve("127.0.0.1", conf: conf));

        Assert.Contains(RaftTopology.InitialConfKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_addresses_come_from_the_rpc_address_list_by_host_else_the_client_port()
    {
        var topology = Resolve("127.0.0.1", rpc: "127.0.0.1:9101,127.0.0.3:9301");

        Assert.Equal(["127.0.0.1:9101", "127.0.0.2:8101", "127.0.0.3:9301"], topology.Peers.Select(p => p.ClientAddress));
        Assert.Equal("127.0.0.2:8103", topology.Find(2).PeerAddress);
    }

    [Fact]
    public void The_fingerprint_is_the_same_for_the_same_list_and_differs_for_another()
    {
        Assert.Equal(Resolve("127.0.0.1").Fingerprint, Resolve("127.0.0.2").Fingerprint);
        Assert.NotEqual(Resolve("127.0.0.1").Fingerprint, Resolve("127.0.0.1", conf: "127.0.0.1:8103:0,127.0.0.2:8103:0,127.0.0.4:8103:0").Fingerprint);
    }
}
