using JindoMeta.Cli.Shell;

namespace JindoMeta.Cli.Tests.Paths;

/// <summary>Hadoop's Path and PathData rules: normalization, the home directory, and how a path is printed.</summary>
public sealed class PathRulesTests
{
    private const string Home = "/user/alice";

    [Theory]
    [InlineData("/a/b/../c", "/a/c", "/a/c")]
    [InlineData("/a/./b//c", "/a/b/c", "/a/b/c")]
    [InlineData("/a/b/..", "/a", "/a/")] // URI.normalize leaves "/a/" and the missing path prints so
    [InlineData("jfs://test/a/../b", "/b", "jfs://test/b")]
    [InlineData(@"/a\*b", "/a*b", "/a*b")] // a literal: escapes removed
    public void Dots_and_slashes_normalize_as_hadoops_path(string argument, string path, string display)
    {
        var parsed = JfsPath.Parse(argument, Home);
        Assert.Equal((path, display), (parsed.Path, parsed.Display));
    }

    [Theory]
    [InlineData("x", "/user/alice/x", "x")]
    [InlineData(".", "/user/alice", ".")]
    [InlineData("./sub/../x", "/user/alice/x", "x")]
    [InlineData("../bob/x", "/user/bob/x", "../bob/x")]
    [InlineData("a/../../b", "/user/b", "../b")]
    [InlineData("..", "/user", "..")]
    public void Relative_paths_resolve_under_the_home_directory_and_print_as_typed(string argument, string path, string display)
    {
        var parsed = JfsPath.Parse(argument, Home);
        Assert.Equal((path, display, PathForm.Relative), (parsed.Path, parsed.Display, parsed.Form));
    }

    [Theory]
    [InlineData("/..", "Pathname /.. from /.. is not a valid DFS filename.")]
    [InlineData("/a/../../b", "Pathname /../b from /../b is not a valid DFS filename.")]
    [InlineData("jfs://test/a/../..", "Pathname /.. from jfs://test/.. is not a valid DFS filename.")]
    [InlineData("../../..", "Pathname /.. from /.. is not a valid DFS filename.")]
    public void Dot_dot_above_the_root_stays_and_is_refused_as_hdfs_refuses_it(string argument, string message) =>
        Assert.Equal(message, Assert.Throws<UsageException>(() => JfsPath.Parse(argument, Home)).Message);

    [Theory]
    [InlineData(Home, ".")]
    [InlineData("/user/alice/x/y", "x/y")]
    [InlineData("/user/bob/x", "../bob/x")]
    [InlineData("/user/alice2", "../alice2")]
    [InlineData("/user", "..")]
    [InlineData("/", "../..")]
    public void Found_relative_paths_are_relativized_as_pathdata_does(string path, string display) =>
        Assert.Equal(display, JfsPath.Relativize(Home, path));

    [Fact]
    public void Found_paths_print_normalized_in_the_arguments_form()
    {
        Assert.Equal("jfs://test/", JfsPath.Parse("jfs://test").Found(Home).Display);
        Assert.Equal("/a/b", JfsPath.Parse("/a/b/").Found(Home).Display);
        Assert.Equal("sub", JfsPath.Parse("sub/", Home).Found(Home).Display);
        Assert.Equal("sub", JfsPath.Parse("../alice/sub", Home).Found(Home).Display);
    }

    [Fact]
    public void Children_of_dot_print_by_name_and_others_below_the_argument()
    {
        Assert.Equal("x", JfsPath.Parse(".", Home).Found(Home).Child("x").Display);
        Assert.Equal("../x", JfsPath.Parse("..", Home).Found(Home).Child("x").Display);
        Assert.Equal("sub/x", JfsPath.Parse("sub", Home).Child("x").Display);
        Assert.Equal("/user/alice/x", JfsPath.Parse(".", Home).Child("x").Path);
    }

    [Theory]
    [InlineData("dst/", true)]
    [InlineData("dst/.", true)]
    [InlineData("..", true)]
    [InlineData("dst", false)]
    [InlineData("/a/b", false)]
    public void A_trailing_slash_or_dot_names_a_directory(string argument, bool representsDirectory) =>
        Assert.Equal(representsDirectory, JfsPath.Parse(argument, Home).RepresentsDirectory);

    [Fact]
    public void An_empty_argument_is_a_usage_error_as_in_hadoop() =>
        Assert.Equal("Can not create a Path from an empty string", Assert.Throws<UsageException>(() => JfsPath.Parse("", Home)).Message);
}
