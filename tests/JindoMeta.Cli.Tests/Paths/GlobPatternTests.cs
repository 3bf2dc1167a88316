using JindoMeta.Cli.Shell;

namespace JindoMeta.Cli.Tests.Paths;

/// <summary>Hadoop's glob syntax (GlobPattern / GlobFilter) for one path component.</summary>
public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", ".hidden", true)] // Hadoop's globber matches dot files with '*'
    [InlineData("a*", "abc", true)]
    [InlineData("a*", "ba", false)]
    [InlineData("?", "a", true)]
    [InlineData("?", "", false)]
    [InlineData("?", "ab", false)]
    [InlineData("[abc]", "b", true)]
    [InlineData("[abc]", "d", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[a-c]x", "dx", false)]
    [InlineData("[^a]1", "b1", true)]
    [InlineData("[^a]1", "a1", false)]
    [InlineData("[!a]1", "b1", true)]
    [InlineData("[!a]1", "a1", false)]
    [InlineData("{a,b}c", "ac", true)]
    [InlineData("{a,b}c", "bc", true)]
    [InlineData("{a,b}c", "cc", false)]
    [InlineData("{a,b{c,d}}", "a", true)]
    [InlineData("{a,b{c,d}}", "bd", true)]
    [InlineData("{a,b{c,d}}", "b", false)]
    [InlineData(@"\*", "*", true)]
    [InlineData(@"\*", "a", false)]
    [InlineData(@"a\{b,c}", "a{b,c}", true)]
    [InlineData("a.b", "a.b", true)]
    [InlineData("a.b", "aXb", false)] // regex characters that are not glob characters are themselves
    [InlineData("a+(b)|$^", "a+(b)|$^", true)]
    [InlineData("a,b", "a,b", true)] // a comma outside braces is a comma
    [InlineData("[*]", "*", true)]
    [InlineData("[*]", "a", false)]
    public void Components_match_as_hadoop_globs(string glob, string name, bool matches) =>
        Assert.Equal(matches, GlobPattern.Compile(glob).IsMatch(name));

    [Theory]
    [InlineData("abc", false)]
    [InlineData(@"a\*b", false)]
    [InlineData("a*", true)]
    [InlineData("a?", true)]
    [InlineData("[a]", true)]
    [InlineData("{a}", true)] // braces alone make a glob: a brace pattern that matches nothing is an error, not a new path
    public void Only_unescaped_glob_characters_make_a_wildcard(string glob, bool hasWildcard) =>
        Assert.Equal(hasWildcard, GlobPattern.Compile(glob).HasWildcard);

    [Theory]
    [InlineData("[ab", "Unclosed character class near index 3\n[ab")]
    [InlineData("[a[b]", "Unclosed character class near index 2\n[a[b]\n  ^")]
    [InlineData("{a,b", "Unclosed group near index 4\n{a,b")]
    [InlineData(@"a\", "Missing escaped character near index 2\na\\")]
    public void Bad_patterns_are_reported_as_javas_pattern_syntax_errors(string glob, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => GlobPattern.Compile(glob)).Message);

    [Fact]
    public void Unescape_removes_backslashes_before_any_character() =>
        Assert.Equal(@"a*b\c", GlobPattern.Unescape(@"a\*b\\c"));

    [Theory]
    [InlineData("/a/{b/c,d}/e", new[] { "/a/b/c/e", "/a/d/e" })]
    [InlineData("/{a,b}/c", new[] { "/{a,b}/c" })] // no '/' inside: the component glob handles it
    [InlineData("{/x,/y/{p/q,r}}", new[] { "/x", "/y/p/q", "/y/r" })]
    [InlineData(@"/\{a/b,c}", new[] { @"/\{a/b,c}" })]
    public void Braces_holding_a_slash_expand_into_separate_patterns(string pattern, string[] expanded) =>
        Assert.Equal(expanded, GlobPattern.ExpandSlashBraces(pattern));
}
