using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Tests.EndToEnd;

/// <summary>The real `jindo fs` process against the real daemon: exact stdout, stderr and exit codes per verb.</summary>
public sealed class FsShellEndToEndTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private static readonly DateTimeOffset March25 = new(2020, 3, 25, 14, 54, 0, TimeSpan.Zero);

    private Task<CliResult> Fs(params string[] args) => daemon.JindoAsync(["fs", .. args]);

    private static void AssertResult(CliResult result, int exitCode, string stdout, string stderr = "")
    {
        Assert.True(result.ExitCode == exitCode && result.Out == stdout && result.Error == stderr,
            $"expected exit {exitCode}\n--- stdout\n{stdout}--- stderr\n{stderr}\nbut got {result}");
    }

    private async Task MakeFileAsync(string path, long length)
    {
        await daemon.Client.CreateAsync(new CreateRequest { Namespace = DaemonFixture.Namespace, Path = path, CreateParent = true });
        var complete = new CompleteRequest { Namespace = DaemonFixture.Namespace, Path = path, Length = length };
        if (length > 0)
        {
            complete.Blocks.Add(new Block { BlockId = Random.Shared.NextInt64(1, long.MaxValue), NumBytes = length, GenerationStamp = 1 });
        }

        await daemon.Client.CompleteAsync(complete);
    }

    [Fact]
    public async Task Ls_prints_found_items_and_hadoop_columns_and_fails_on_a_missing_path()
    {
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/ls/emr-header-1.cluster-50087"), 0, "");
        AssertResult(await Fs("-touchz", "jfs://test/ls/f"), 0, "");
        await MakeFileAsync("/ls/big", 1536);
        AssertResult(await Fs("-chown", "bob:staff", "jfs://test/ls/big"), 0, "");
        foreach (var path in new[] { "/ls/emr-header-1.cluster-50087", "/ls/f", "/ls/big" })
        {
            await daemon.SetTimeAsync(path, March25);
        }

        AssertResult(await Fs("-ls", "jfs://test/ls"), 0,
            "Found 3 items\n" +
            "-rw-r--r--   3 bob   staff            1536 2020-03-25 14:54 jfs://test/ls/big\n" +
            "drwxr-xr-x   - admin supergroup          0 2020-03-25 14:54 jfs://test/ls/emr-header-1.cluster-50087\n" +
            "-rw-r--r--   3 admin supergroup          0 2020-03-25 14:54 jfs://test/ls/f\n");
        AssertResult(await Fs("-ls", "-h", "jfs://test/ls/big"), 0,
            "-rw-r--r--   3 bob staff      1.5 K 2020-03-25 14:54 jfs://test/ls/big\n");
        AssertResult(await Fs("-ls", "jfs://test/ls/nope", "jfs://test/ls/f"), 1,
            "-rw-r--r--   3 admin supergroup          0 2020-03-25 14:54 jfs://test/ls/f\n",
            "ls: `jfs://test/ls/nope': No such file or directory\n");
    }

    [Fact]
    public async Task Ls_R_lists_depth_first_without_headers_and_d_lists_the_directory_itself()
    {
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/lsr/a/b"), 0, "");
        AssertResult(await Fs("-touchz", "jfs://test/lsr/a/f"), 0, "");
        foreach (var path in new[] { "/lsr", "/lsr/a", "/lsr/a/b", "/lsr/a/f" })
        {
            await daemon.SetTimeAsync(path, March25);
        }

        AssertResult(await Fs("-ls", "-R", "jfs://test/lsr/"), 0,
            "drwxr-xr-x   - admin supergroup          0 2020-03-25 14:54 jfs://test/lsr/a\n" +
            "drwxr-xr-x   - admin supergroup          0 2020-03-25 14:54 jfs://test/lsr/a/b\n" +
            "-rw-r--r--   3 admin supergroup          0 2020-03-25 14:54 jfs://test/lsr/a/f\n");
        AssertResult(await Fs("-ls", "-d", "jfs://test/lsr"), 0,
            "drwxr-xr-x   - admin supergroup          0 2020-03-25 14:54 jfs://test/lsr\n");
        AssertResult(await Fs("-ls", "jfs://test/lsr/a/b"), 0, ""); // an empty directory prints nothing
    }

    [Fact]
    public async Task Mkdir_reports_existing_paths_missing_parents_and_files_in_the_way()
    {
        AssertResult(await Fs("-mkdir", "jfs://test/mk"), 0, "");
        AssertResult(await Fs("-mkdir", "jfs://test/mk"), 1, "", "mkdir: `jfs://test/mk': File exists\n");
        AssertResult(await Fs("-mkdir", "jfs://test/mk/x/y"), 1, "", "mkdir: `jfs://test/mk/x/y': No such file or directory\n");
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/mk/x/y", "jfs://test/mk"), 0, "");
        AssertResult(await Fs("-touchz", "jfs://test/mk/file"), 0, "");
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/mk/file"), 1, "", "mkdir: `jfs://test/mk/file': Is not a directory\n");
        AssertResult(await Fs("-test", "-d", "jfs://test/mk/x/y"), 0, "");
    }

    [Fact]
    public async Task Rm_and_rmdir_follow_hadoops_rules_and_messages()
    {
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/rm/d/sub", "jfs://test/rm/empty"), 0, "");
        AssertResult(await Fs("-touchz", "jfs://test/rm/f"), 0, "");
        AssertResult(await Fs("-rm", "jfs://test/rm/d"), 1, "", "rm: `jfs://test/rm/d': Is a directory\n");
        AssertResult(await Fs("-rm", "jfs://test/rm/missing"), 1, "", "rm: `jfs://test/rm/missing': No such file or directory\n");
        AssertResult(await Fs("-rm", "-f", "jfs://test/rm/missing"), 0, "");
        AssertResult(await Fs("-rm", "jfs://test/rm/f"), 0, "Deleted jfs://test/rm/f\n");
        AssertResult(await Fs("-rmdir", "jfs://test/rm/d"), 1, "", "rmdir: `jfs://test/rm/d': Directory is not empty\n");
        AssertResult(await Fs("-rm", "-r", "jfs://test/rm/d"), 0, "Deleted jfs://test/rm/d\n");
        AssertResult(await Fs("-rmdir", "jfs://test/rm/empty"), 0, "");
        AssertResult(await Fs("-test", "-e", "jfs://test/rm/empty"), 1, "");
        AssertResult(await Fs("-test", "-e", "jfs://test/rm/d"), 1, "");
    }

    [Fact]
    public async Task Mv_renames_moves_into_directories_and_refuses_like_hadoop()
    {
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/mv/dir/inner", "jfs://test/mv/target"), 0, "");
        AssertResult(await Fs("-touchz", "jfs://test/mv/f", "jfs://test/mv/target/f"), 0, "");
        AssertResult(await Fs("-mv", "jfs://test/mv/f", "jfs://test/mv/target"), 1, "", "mv: `jfs://test/mv/target/f': File exists\n");
        AssertResult(await Fs("-mv", "jfs://test/mv/f", "jfs://test/mv/g"), 0, "");
        AssertResult(await Fs("-mv", "jfs://test/mv/g", "jfs://test/mv/dir"), 0, "");
        AssertResult(await Fs("-test", "-f", "jfs://test/mv/dir/g"), 0, "");
        AssertResult(await Fs("-mv", "jfs://test/mv/dir", "jfs://test/mv/dir/inner"), 1, "",
            "mv: `jfs://test/mv/dir' to `jfs://test/mv/dir/inner/dir': is a subdirectory of itself\n");
        AssertResult(await Fs("-mv", "jfs://test/mv/nope", "jfs://test/mv/x"), 1, "", "mv: `jfs://test/mv/nope': No such file or directory\n");
        AssertResult(await Fs("-mv", "jfs://test/mv/dir/g", "jfs://test/mv/target/f", "jfs://test/mv/dir/g2"), 1, "",
            "mv: `jfs://test/mv/dir/g2': No such file or directory\n");
    }

    [Fact]
    public async Task Count_du_and_stat_report_the_tree()
    {
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/cnt/a/b"), 0, "");
        await MakeFileAsync("/cnt/a/one", 1536);
        await MakeFileAsync("/cnt/two", 100);
        AssertResult(await Fs("-count", "jfs://test/cnt", "jfs://test/cnt/two"), 0,
            "           3            2               1636 jfs://test/cnt\n" +
            "           0            1                100 jfs://test/cnt/two\n");
        AssertResult(await Fs("-count", "-q", "-h", "jfs://test/cnt"), 0,
            "        none             inf            none             inf            3            2              1.6 K jfs://test/cnt\n");
        AssertResult(await Fs("-du", "jfs://test/cnt"), 0, "1536  1536  jfs://test/cnt/a\n100   100   jfs://test/cnt/two\n");
        AssertResult(await Fs("-du", "-s", "-h", "jfs://test/cnt"), 0, "1.6 K  1.6 K  jfs://test/cnt\n");
        await daemon.SetTimeAsync("/cnt/a/one", March25);
        AssertResult(await Fs("-stat", "%a %A %b %F %g %n %o %r %u %y %Y", "jfs://test/cnt/a/one", "jfs://test/cnt/a"), 0,
            "644 rw-r--r-- 1536 regular file supergroup one 134217728 3 admin 2020-03-25 14:54:00 1585148040000\n" +
            $"755 rwxr-xr-x 0 directory supergroup a 0 0 admin {(await StatMtime("/cnt/a"))}\n");
        AssertResult(await Fs("-stat", "jfs://test/cnt/a/one"), 0, "2020-03-25 14:54:00\n");
    }

    private async Task<string> StatMtime(string path)
    {
        var status = await daemon.Client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = DaemonFixture.Namespace, Path = path });
        var time = DateTimeOffset.FromUnixTimeMilliseconds(status.ModificationTime).UtcDateTime;
        return $"{time:yyyy-MM-dd HH:mm:ss} {status.ModificationTime}";
    }

    [Fact]
    public async Task Touchz_test_and_cat_handle_files_by_length_and_type()
    {
        AssertResult(await Fs("-mkdir", "jfs://test/tz"), 0, "");
        await MakeFileAsync("/tz/full", 5);
        AssertResult(await Fs("-touchz", "jfs://test/tz/empty", "jfs://test/tz/empty"), 0, "");
        AssertResult(await Fs("-touchz", "jfs://test/tz/full"), 1, "", "touchz: `jfs://test/tz/full': Not a zero-length file\n");
        AssertResult(await Fs("-touchz", "jfs://test/tz"), 1, "", "touchz: `jfs://test/tz': Is a directory\n");
        AssertResult(await Fs("-touchz", "jfs://test/tz/no/file"), 1, "", "touchz: `jfs://test/tz/no/file': No such file or directory\n");
        AssertResult(await Fs("-test", "-z", "jfs://test/tz/empty"), 0, "");
        AssertResult(await Fs("-test", "-z", "jfs://test/tz/full"), 1, "");
        AssertResult(await Fs("-test", "-s", "jfs://test/tz/full"), 0, "");
        AssertResult(await Fs("-test", "-d", "jfs://test/tz/full"), 1, "");
        AssertResult(await Fs("-test", "-f", "jfs://test/tz/full"), 0, "");
        var cat = await Fs("-cat", "jfs://test/tz/full");
        Assert.Equal(1, cat.ExitCode);
        // Its block list names an object that was never written (MakeFileAsync records metadata only).
        Assert.StartsWith("cat: Could not obtain a block of /tz/full: Block object test/", cat.Error, StringComparison.Ordinal);
        Assert.Equal("", cat.Out);
    }

    [Fact]
    public async Task Chmod_and_chown_change_trees_and_permission_errors_come_from_the_server()
    {
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/perm/d/e"), 0, "");
        AssertResult(await Fs("-touchz", "jfs://test/perm/d/f"), 0, "");
        AssertResult(await Fs("-chmod", "-R", "go-rx,u+x", "jfs://test/perm/d"), 0, "");
        AssertResult(await Fs("-stat", "%a %n", "jfs://test/perm/d", "jfs://test/perm/d/e", "jfs://test/perm/d/f"), 0, "700 d\n700 e\n700 f\n");
        AssertResult(await Fs("-chmod", "1777", "jfs://test/perm/d"), 0, "");
        AssertResult(await Fs("-chown", "-R", "bob:staff", "jfs://test/perm/d"), 0, "");
        AssertResult(await Fs("-chgrp", "supergroup", "jfs://test/perm/d/f"), 0, "");
        AssertResult(await Fs("-stat", "%A %u:%g", "jfs://test/perm/d", "jfs://test/perm/d/e", "jfs://test/perm/d/f"), 0,
            "rwxrwxrwt bob:staff\nrwx------ bob:staff\nrwx------ bob:supergroup\n");

        var denied = await daemon.JindoAsAsync("bob", "fs", "-chown", "bob", "jfs://test/perm");
        Assert.Equal(1, denied.ExitCode);
        Assert.StartsWith("chown: ", denied.Error, StringComparison.Ordinal);
        Assert.Contains("ermission denied", denied.Error, StringComparison.Ordinal);
        var mkdirDenied = await daemon.JindoAsAsync("bob", "fs", "-mkdir", "jfs://test/perm/bobs");
        Assert.Equal((1, ""), (mkdirDenied.ExitCode, mkdirDenied.Out));
        Assert.StartsWith("mkdir: Permission denied: user=bob, access=WRITE, inode=\"/perm\"", mkdirDenied.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_errors_exit_255_with_hadoops_message()
    {
        AssertResult(await Fs("-ls", "-x", "jfs://test/"), 255, "",
            "-ls: Illegal option -x\nUsage: jindo fs [generic options] -ls [-d] [-h] [-R] [<path> ...]\n");
        AssertResult(await Fs("-mkdir"), 255, "",
            "-mkdir: Not enough arguments: expected 1 but got 0\nUsage: jindo fs [generic options] -mkdir [-p] <path> ...\n");
        AssertResult(await Fs("-chmod", "abc", "jfs://test/"), 255, "",
            "-chmod: chmod : mode 'abc' does not match the expected pattern.\nUsage: jindo fs [generic options] -chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...\n");
        var unknown = await Fs("-frobnicate");
        Assert.Equal(255, unknown.ExitCode);
        Assert.StartsWith("-frobnicate: Unknown command\nUsage: jindo fs [generic options]\n", unknown.Error, StringComparison.Ordinal);
        AssertResult(await Fs("-ls", "hdfs://nn/x"), 1, "", "ls: No FileSystem for scheme \"hdfs\"\n");
    }
}
