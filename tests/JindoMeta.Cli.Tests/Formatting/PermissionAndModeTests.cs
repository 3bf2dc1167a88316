using JindoMeta.Cli.Formatting;

namespace JindoMeta.Cli.Tests.Formatting;

public sealed class PermissionAndModeTests
{
    [Theory]
    [InlineData(0x1ED, "rwxr-xr-x", "755")]
    [InlineData(0x1A4, "rw-r--r--", "644")]
    [InlineData(0x3FF, "rwxrwxrwt", "1777")]
    [InlineData(0x3FE, "rwxrwxrwT", "1776")]
    [InlineData(0, "---------", "0")]
    [InlineData(0x2D, "---r-xr-x", "55")]
    public void Permissions_print_like_hadoops_FsPermission(uint bits, string symbolic, string octal)
    {
        Assert.Equal(symbolic, PermissionFormat.Symbolic(bits));
        Assert.Equal(octal, PermissionFormat.Octal(bits));
    }

    [Theory]
    [InlineData("755", 0x1A4u, false, "755")]
    [InlineData("1777", 0u, true, "1777")]
    [InlineData("0644", 0x1FFu, false, "644")]
    [InlineData("u+x", 0x1A4u, false, "744")]
    [InlineData("go-w", 0x1FFu, false, "755")]
    [InlineData("u+x,go-w", 0x1B6u, false, "744")]
    [InlineData("a=r", 0x1FFu, false, "444")]
    [InlineData("=rw", 0x1FFu, false, "666")]
    [InlineData("+t", 0x1FFu, true, "1777")]
    [InlineData("o-t", 0x3FFu, true, "777")]
    [InlineData("a+X", 0x1A4u, true, "755")]
    [InlineData("a+X", 0x1A4u, false, "644")]
    [InlineData("a+X", 0x1E4u, false, "755")]
    [InlineData("u=rwx,g=rx,o=", 0u, false, "750")]
    public void Modes_apply_like_hadoop_chmod(string mode, uint current, bool isDirectory, string expectedOctal) =>
        Assert.Equal(expectedOctal, PermissionFormat.Octal(ModeChange.Parse(mode).Apply(current, isDirectory)));

    [Theory]
    [InlineData("abc")]
    [InlineData("888")]
    [InlineData("u+q")]
    [InlineData("2755")]
    [InlineData("")]
    public void Bad_modes_are_rejected_with_hadoops_message(string mode)
    {
        var error = Assert.Throws<FormatException>(() => ModeChange.Parse(mode));
        Assert.Equal($"chmod : mode '{mode}' does not match the expected pattern.", error.Message);
    }

    [Theory]
    [InlineData("bob", "bob", null)]
    [InlineData("bob:staff", "bob", "staff")]
    [InlineData(":staff", null, "staff")]
    [InlineData("bob:", "bob", null)]
    public void Owner_specs_parse_owner_and_group(string text, string? owner, string? group) =>
        Assert.Equal(new OwnerSpec(owner, group), OwnerSpec.Parse(text));

    [Fact]
    public void Owner_spec_errors_read_like_hadoops()
    {
        Assert.Equal("'a b' does not match expected pattern for [owner][:group].", Assert.Throws<FormatException>(() => OwnerSpec.Parse("a b")).Message);
        Assert.Equal("':' does not specify owner or group.", Assert.Throws<FormatException>(() => OwnerSpec.Parse(":")).Message);
    }
}
