namespace JindoMeta.Raft.Tests.Core;

public sealed class InitialConfigurationTests
{
    [Fact]
    public void Parses_three_members_with_ids_in_list_order()
    {
        var configuration = InitialConfiguration.Parse("emr-header-1:8103:0,emr-header-2:8103:0, emr-header-3:8103:2");

        Assert.Equal([1ul, 2ul, 3ul], configuration.VoterIds);
        Assert.Equal("emr-header-3:8103", configuration.Members[2].Address);
        Assert.Equal(2, configuration.Members[2].Priority);
        Assert.Equal(2ul, configuration.FindSelf("EMR-HEADER-2", 8103).NodeId);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("a:8103:0,b:8103", "element 2 'b:8103'")]
    [InlineData("a:8103:0,b:port:0", "port 'port'")]
    [InlineData("a:8103:0,b:70000:0", "port '70000'")]
    [InlineData("a:8103:0,:8103:0", "element 2 ':8103:0': host ''")]
    [InlineData("a:8103:0,b:8103:-1", "priority '-1'")]
    [InlineData("a:8103:0,a:8103:1", "a:8103 appears more than once")]
    public void Malformed_input_names_the_bad_element(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => InitialConfiguration.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_self_address_is_a_clear_error()
    {
        var configuration = InitialConfiguration.Parse("a:8103:0,b:8103:0,c:8103:0");
        var error = Assert.Throws<InvalidOperationException>(() => configuration.FindSelf("d", 8103));
        Assert.Contains("d:8103", error.Message, StringComparison.Ordinal);
    }
}
