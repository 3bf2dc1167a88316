using JindoMeta.Namespace.Schema;
using JindoMeta.Replication;

namespace JindoMeta.Replication.Tests;

public sealed class UploadRunTests
{
    private static RowChange Dentry(long parent, string name, byte[]? value) =>
        new(NamespaceSchema.DentriesTable, NamespaceSchema.DentryKey(parent, name), value);

    [Fact]
    public void Two_changes_to_one_row_in_a_run_become_its_final_image_with_the_last_index()
    {
        var run = UploadRun.From(
        [
            new ChangeEntry(5, 100, [Dentry(1, "a", [1]), Dentry(1, "b", [2])]),
            new ChangeEntry(6, 200, [Dentry(1, "a", null)]),
            new ChangeEntry(7, 300, [Dentry(1, "a", [3])]),
        ]);

        var rows = run.Batches.SelectMany(b => b).ToList();
        Assert.Equal(2, run.RowCount);
        var a = rows.Single(r => r.Row.Key.SequenceEqual(NamespaceSchema.DentryKey(1, "a")));
        Assert.Equal(7, a.Index);
        Assert.Equal([3], a.Row.Value!);
        Assert.Equal(5, rows.Single(r => r.Row.Key.SequenceEqual(NamespaceSchema.DentryKey(1, "b"))).Index);
        Assert.Equal((5L, 7L, 300L), (run.FirstIndex, run.LastIndex, run.LastTimestampMs));
    }

    [Fact]
    public void A_row_deleted_last_is_a_delete_in_the_run()
    {
        var run = UploadRun.From([new ChangeEntry(1, 1, [Dentry(1, "a", [1])]), new ChangeEntry(2, 2, [Dentry(1, "a", null)])]);

        Assert.Null(Assert.Single(Assert.Single(run.Batches)).Row.Value);
    }

    [Fact]
    public void Batches_hold_at_most_200_rows_and_3_MB()
    {
        var many = UploadRun.From([new ChangeEntry(1, 1, [.. Enumerable.Range(0, 450).Select(i => Dentry(1, $"f{i}", [1]))])]);
        var big = UploadRun.From([new ChangeEntry(1, 1, [.. Enumerable.Range(0, 4).Select(i => Dentry(1, $"f{i}", new byte[700 * 1024]))])]);

        Assert.Equal([200, 200, 50], many.Batches.Select(b => b.Count));
        Assert.Equal([2, 2], big.Batches.Select(b => b.Count)); // a run row carries its value and its before-image: 1.4 MB each
    }

    [Fact]
    public void Entries_that_are_not_consecutive_are_refused()
    {
        Assert.Throws<ArgumentException>(() => UploadRun.From([new ChangeEntry(1, 1, []), new ChangeEntry(3, 1, [])]));
    }

    [Theory]
    [InlineData("test", "jindometa_test")]
    [InlineData("a-b", "jindometa_a_hb")]
    [InlineData("a_hb", "jindometa_a__hb")]
    public void Table_names_keep_distinct_namespaces_apart(string namespaceName, string table)
    {
        Assert.Equal(table, ReplicaTable.TableName(namespaceName));
    }
}
