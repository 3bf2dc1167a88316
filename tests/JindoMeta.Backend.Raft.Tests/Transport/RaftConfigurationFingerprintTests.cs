using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.Transport;

public sealed class RaftConfigurationFingerprintTests
{
    private const string List = "emr-header-1:8103:0,emr-header-2:8103:0,emr-header-3:8103:0";

    [Fact]
    public void Spelling_differences_that_name_the_same_members_give_the_same_fingerprint()
    {
        var spelledDifferently = " EMR-Header-1:8103:0 , emr-header-2:8103:0,emr-header-3 :8103:0";

        Assert.Equal(Fingerprint(List), Fingerprint(spelledDifferently));
    }

    [Theory]
    [InlineData("emr-header-2:8103:0,emr-header-1:8103:0,emr-header-3:8103:0")] // order assigns the ids
    [InlineData("emr-header-1:8103:0,emr-header-2:8103:0,emr-header-4:8103:0")]
    [InlineData("emr-header-1:8103:0,emr-header-2:8104:0,emr-header-3:8103:0")]
    [InlineData("emr-header-1:8103:0,emr-header-2:8103:1,emr-header-3:8103:0")]
    [InlineData("emr-header-1:8103:0,emr-header-2:8103:0")]
    public void A_different_member_list_gives_a_different_fingerprint(string other)
    {
        Assert.NotEqual(Fingerprint(List), Fingerprint(other));
    }

    [Fact]
    public void Fingerprint_is_the_sha256_hex_of_the_comma_joined_members()
    {
        // Pinned: nodes of different versions must compute the same value (RaftTopology hashes the same text).
        Assert.Equal("cf55165b2468fdaca337c885e4804cfb224e44bc4b09ecf9d25bf9713babecb3", Fingerprint(List));
    }

    private static string Fingerprint(string text) => RaftConfigurationFingerprint.Compute(InitialConfiguration.Parse(text));
}
