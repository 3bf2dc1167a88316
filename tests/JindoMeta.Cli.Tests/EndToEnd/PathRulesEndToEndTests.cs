using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Tests.EndToEnd;

/// <summary>
/// Hadoop's path rules through the real `jindo fs` process: globs, relative paths under /user/NAME, "." and "..",
/// and the paths -mv names in its errors. Expected lines are what Hadoop's FsShell prints for the same command.
/// </summary>
public sealed class PathRulesEndToEndTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private static readonly DateTimeOffset March25 = new(2020, 3, 25, 14, 54, 0, TimeSpan.Zero);
    private const string Time = "2020-03-25 14:54";

    private Task<CliResult> Fs(params string[] args) => daemon.JindoAsync(["fs", .. args]);

    private Task<CliResult> FsAs(string user, params string[] args) => daemon.JindoAsAsync(user, ["fs", .. args]);

    private static void AssertResult(CliResult result, int exitCode, string stdout, string stderr = "") =>
        Assert.True(result.ExitCode == exitCode && result.Out == stdout && result.Error == stderr,
            $"expected exit {exitCode}\n--- stdout\n{stdout}--- stderr\n{stderr}\nbut got {result}");

    private async Task MakeFilesAsync(params string[] paths)
    {
        foreach (var path in paths)
        {
            await daemon.Client.CreateAsync(new CreateRequest { Namespace = DaemonFixture.Namespace, Path = path, CreateParent = true });
            await daemon.Client.CompleteAsync(new CompleteRequest { Namespace = DaemonFixture.Namespace, Path = path, Length = 0 });
        }
    }

    private async Task FixTimesAsync(params string[] paths)
    {
        foreach (var path in paths)
        {
            await daemon.SetTimeAsync(path, March25);
        }
    }

    private static string File(string path, string owner = "admin supergroup") => $"-rw-r--r--   3 {owner}          0 {Time} {path}\n";

    private static string Dir(string path, string owner = "admin supergroup") => $"drwxr-xr-x   - {owner}          0 {Time} {path}\n";

    [Fact]
    public async Task Ls_without_a_path_lists_the_callers_home_by_entry_name()
    {
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/user/alice/dir1"), 0, "");
        await MakeFilesAsync("/user/alice/file");
        AssertResult(await Fs("-chown", "-R", "alice:staff", "jfs://test/user/alice"), 0, "");
        await FixTimesAsync("/user/alice/dir1", "/user/alice/file", "/user/alice");

        var listing = "Found 2 items\n" + Dir("dir1", "alice staff") + File("file", "alice staff");
        AssertResult(await FsAs("alice", "-ls"), 0, listing);
        AssertResult(await FsAs("alice", "-ls", "."), 0, listing);
        AssertResult(await FsAs("alice", "-ls", "dir1/.."), 0, listing);
        AssertResult(await FsAs("alice", "-ls", "-d"), 0, Dir(".", "alice staff"));
        AssertResult(await FsAs("nohome", "-ls"), 1, "", "ls: `.': No such file or directory\n");
    }

    [Fact]
    public async Task Relative_paths_resolve_under_user_name_and_print_relative()
    {
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/user/carol/sub/deep"), 0, "");
        await MakeFilesAsync("/user/carol/sub/f");
        AssertResult(await Fs("-chown", "-R", "carol:staff", "jfs://test/user/carol"), 0, "");
        AssertResult(await FsAs("carol", "-mkdir", "made"), 0, "");
        AssertResult(await FsAs("carol", "-touchz", "made/t"), 0, "");
        AssertResult(await Fs("-test", "-f", "jfs://test/user/carol/made/t"), 0, "");
        await FixTimesAsync("/user/carol/sub", "/user/carol/sub/deep", "/user/carol/sub/f");

        AssertResult(await FsAs("carol", "-ls", "sub"), 0, "Found 2 items\n" + Dir("sub/deep", "carol staff") + File("sub/f", "carol staff"));
        AssertResult(await FsAs("carol", "-ls", "../carol/sub/f"), 0, File("sub/f", "carol staff"));
        AssertResult(await FsAs("carol", "-ls", "-d", "s*", "../car*/sub"), 0, Dir("sub", "carol staff") + Dir("sub", "carol staff"));
        AssertResult(await FsAs("carol", "-ls", "../carol/nope"), 1, "", "ls: `../carol/nope': No such file or directory\n");
        AssertResult(await FsAs("carol", "-stat", "%n", ".", "..", "sub/./f"), 0, "carol\nuser\nf\n");
        AssertResult(await FsAs("carol", "-count", "sub"), 0, "           2            1                  0 sub\n");
        AssertResult(await FsAs("carol", "-mv", "sub/f", "nodir/x"), 1, "", "mv: `nodir/x': No such file or directory: `/user/carol/nodir/x'\n");
        AssertResult(await FsAs("carol", "-mv", "sub/f", "made"), 0, "");
        AssertResult(await Fs("-test", "-f", "jfs://test/user/carol/made/f"), 0, "");
    }

    [Fact]
    public async Task Dots_normalize_and_dot_dot_above_the_root_is_refused_as_hdfs_refuses_it()
    {
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/dots/y"), 0, "");
        await MakeFilesAsync("/dots/f");
        await FixTimesAsync("/dots/f", "/dots/y");

        AssertResult(await Fs("-ls", "jfs://test/dots/y/.."), 0, "Found 2 items\n" + File("jfs://test/dots/f") + Dir("jfs://test/dots/y"));
        AssertResult(await Fs("-ls", "/dots/./y/../f"), 0, File("/dots/f"));
        AssertResult(await Fs("-ls", "jfs://test/dots/nope/"), 1, "", "ls: `jfs://test/dots/nope/': No such file or directory\n");
        AssertResult(await Fs("-ls", "/.."), 255, "",
            "-ls: Pathname /.. from /.. is not a valid DFS filename.\nUsage: jindo fs [generic options] -ls [-d] [-h] [-R] [<path> ...]\n");
        AssertResult(await Fs("-mkdir", "jfs://test/dots/../../x"), 255, "",
            "-mkdir: Pathname /../x from jfs://test/../x is not a valid DFS filename.\nUsage: jindo fs [generic options] -mkdir [-p] <path> ...\n");
        AssertResult(await Fs("-test", "-e", "jfs://test/x"), 1, "");
    }

    [Fact]
    public async Task Globs_expand_in_any_component_sorted_with_hidden_names_and_fail_when_nothing_matches()
    {
        await MakeFilesAsync("/glob/a1", "/glob/a2", "/glob/b1", "/glob/.hidden", "/glob/s*", "/glob/sub/x", "/glob/sub/y");
        await FixTimesAsync("/glob/a1", "/glob/a2", "/glob/b1", "/glob/.hidden", "/glob/s*", "/glob/sub", "/glob/sub/x", "/glob/sub/y");

        AssertResult(await Fs("-ls", "jfs://test/glob/*"), 0,
            File("jfs://test/glob/.hidden") + File("jfs://test/glob/a1") + File("jfs://test/glob/a2") + File("jfs://test/glob/b1") +
            File("jfs://test/glob/s*") + "Found 2 items\n" + File("jfs://test/glob/sub/x") + File("jfs://test/glob/sub/y"));
        AssertResult(await Fs("-ls", "-d", "/glob/[ab]1"), 0, File("/glob/a1") + File("/glob/b1"));
        AssertResult(await Fs("-ls", "-d", "jfs://test/glob/[!a]?"), 0, File("jfs://test/glob/b1") + File("jfs://test/glob/s*"));
        AssertResult(await Fs("-ls", "-d", "jfs://test/glob/{a{1,2},s*}"), 0,
            File("jfs://test/glob/a1") + File("jfs://test/glob/a2") + File("jfs://test/glob/s*") + Dir("jfs://test/glob/sub"));
        AssertResult(await Fs("-ls", @"jfs://test/glob/s\*"), 0, File("jfs://test/glob/s*"));
        AssertResult(await Fs("-ls", "-d", "jfs://test/glob/s*/x"), 0, File("jfs://test/glob/sub/x"));
        AssertResult(await Fs("-ls", "-d", "jfs://test/gl?b/{sub/y,a2}"), 0, File("jfs://test/glob/a2") + File("jfs://test/glob/sub/y"));
        AssertResult(await Fs("-ls", "-d", "jfs://test/glob/sub*"), 0, Dir("jfs://test/glob/sub"));
        AssertResult(await Fs("-stat", "%n", "jfs://test/glob/a?"), 0, "a1\na2\n");

        AssertResult(await Fs("-ls", "jfs://test/nope*"), 1, "", "ls: `jfs://test/nope*': No such file or directory\n");
        AssertResult(await Fs("-ls", "jfs://test/glob/[ab"), 1, "", "ls: Illegal file pattern: Unclosed character class near index 3\n[ab\n");
        AssertResult(await Fs("-mkdir", "jfs://test/glob/new*"), 1, "", "mkdir: `jfs://test/glob/new*': No such file or directory\n");
        AssertResult(await Fs("-mkdir", "jfs://test/glob/new"), 0, "");
        AssertResult(await Fs("-rm", "-f", "jfs://test/glob/zz*"), 0, "");
        AssertResult(await Fs("-rm", "jfs://test/glob/zz*"), 1, "", "rm: `jfs://test/glob/zz*': No such file or directory\n");
        AssertResult(await Fs("-rm", "jfs://test/glob/a*"), 0, "Deleted jfs://test/glob/a1\nDeleted jfs://test/glob/a2\n");
    }

    [Fact]
    public async Task Mv_names_the_destination_in_its_errors_as_hadoop_does()
    {
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/mvp/dir"), 0, "");
        await MakeFilesAsync("/mvp/f", "/mvp/g", "/mvp/file2");

        AssertResult(await Fs("-mv", "jfs://test/mvp/f", "jfs://test/nodir/x"), 1, "", "mv: `jfs://test/nodir/x': No such file or directory\n");
        AssertResult(await Fs("-mv", "jfs://test/mvp/f", "jfs://test/mvp/nodir/"), 1, "", "mv: `jfs://test/mvp/nodir/': No such file or directory\n");
        AssertResult(await Fs("-mv", "jfs://test/mvp/f", "jfs://test/mvp/g", "jfs://test/mvp/file2"), 1, "", "mv: `jfs://test/mvp/file2': Is not a directory\n");
        AssertResult(await Fs("-mv", "jfs://test/mvp/f", "jfs://test/mvp/g"), 1, "", "mv: `jfs://test/mvp/g': File exists\n");
        AssertResult(await Fs("-mv", "jfs://test/mvp/nope", "jfs://test/mvp/g"), 1, "", "mv: `jfs://test/mvp/g': File exists\n");
        AssertResult(await Fs("-mv", "jfs://test/mvp/dir", "jfs://test/mvp/dir/sub"), 1, "",
            "mv: `jfs://test/mvp/dir' to `jfs://test/mvp/dir/sub': is a subdirectory of itself\n");
        AssertResult(await Fs("-mv", "jfs://test/mvp/file2", "jfs://test/mvp/*"), 1, "", "mv: `jfs://test/mvp/*': Too many matches\n");
        AssertResult(await Fs("-test", "-f", "jfs://test/mvp/f"), 0, "");

        AssertResult(await Fs("-mv", "jfs://test/mvp/{f,g}", "jfs://test/mvp/d*"), 0, "");
        AssertResult(await Fs("-stat", "%n", "jfs://test/mvp/dir/*"), 0, "f\ng\n");
    }
}
