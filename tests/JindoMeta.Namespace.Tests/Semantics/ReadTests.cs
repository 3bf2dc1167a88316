using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Tests.Support;
using static JindoMeta.Namespace.Tests.Support.NamespaceHarness;

namespace JindoMeta.Namespace.Tests.Semantics;

/// <summary>getFileInfo, listStatus paging and order, content summary.</summary>
public sealed class ReadTests
{
    [Fact]
    public void Paging_returns_every_name_once_in_order_and_HasMore_only_when_more_exist()
    {
        using var ns = new NamespaceHarness();
        var names = "abcdefghi".Select(c => c.ToString()).ToList();
        foreach (var name in names.AsEnumerable().Reverse())
        {
            ns.Mkdir("/d/" + name);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        while (true)
        {
            var page = ns.List("/d", cursor, 3).Value;
            pages++;
            seen.AddRange(page.Entries.Select(e => e.Name));
            Assert.All(page.Entries, e => Assert.Equal("/d/" + e.Name, e.Path));
            if (!page.HasMore)
            {
                Assert.Null(page.NextCursor);
                break;
            }

            cursor = page.NextCursor;
        }

        Assert.Equal(names, seen);
        Assert.Equal(3, pages); // 9 names in pages of 3: the third says no more
        Assert.Equal(["e", "f"], ns.List("/d", "d5", 2).Value.Entries.Select(e => e.Name)); // cursor between names
        Assert.Empty(ns.List("/d", "z", 2).Value.Entries);
    }

    [Fact]
    public void Names_sort_in_UTF8_byte_order_with_supplementary_characters_after_U_E000()
    {
        using var ns = new NamespaceHarness();
        string[] expected = ["Z", "a", "é", "\uE000", "\uFFFD", "\U0001F600", "\U0010FFFD"];
        foreach (var name in expected.Reverse())
        {
            ns.Mkdir("/d/" + name);
        }

        Assert.Equal(expected, ns.List("/d").Value.Entries.Select(e => e.Name));
        Assert.Equal(["\U0001F600", "\U0010FFFD"], ns.List("/d", "\uFFFD").Value.Entries.Select(e => e.Name));
        var page = ns.List("/d", "\uE000", 1).Value;
        Assert.Equal(("\uFFFD", true), (Assert.Single(page.Entries).Name, page.HasMore));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void A_list_limit_out_of_range_is_rejected(int limit)
    {
        using var ns = new NamespaceHarness();
        AssertError(ns.List("/", null, limit), ErrorCode.InvalidArgument);
    }

    [Fact]
    public void A_file_lists_as_itself_and_a_missing_path_is_not_found()
    {
        using var ns = new NamespaceHarness();
        var file = ns.WriteFile("/f", 9);

        var listing = ns.List("/f").Value;

        Assert.Equal((file, false), (Assert.Single(listing.Entries), listing.HasMore));
        AssertError(ns.List("/nope"), ErrorCode.FileNotFound);
        AssertError(ns.List("/f/x"), ErrorCode.FileNotFound);
        AssertError(ns.Stat("/f/x"), ErrorCode.FileNotFound);
    }

    [Fact]
    public void Content_summary_counts_the_path_itself_every_directory_file_and_byte()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d/e/f");
        ns.WriteFile("/d/a", 10);
        ns.WriteFile("/d/e/b", 20);
        ns.CreateFile("/d/e/f/open"); // under construction: no bytes yet

        Assert.Equal(new ContentSummary(3, 3, 30), ns.Count("/d").Value);
        Assert.Equal(new ContentSummary(0, 1, 20), ns.Count("/d/e/b").Value);
        Assert.Equal(new ContentSummary(4, 3, 30), ns.Count("/").Value);
        AssertError(ns.Count("/nope"), ErrorCode.FileNotFound);
    }

    [Fact]
    public void Content_summary_needs_read_and_execute_on_every_directory_below()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d/secret");
        ns.Chmod("/d/secret", 711);

        AssertError(ns.Count("/d", Alice), ErrorCode.AccessDenied);
        Assert.Equal(new ContentSummary(2, 0, 0), ns.Count("/d", Root).Value);
    }

    [Fact]
    public void A_new_namespace_has_only_the_root()
    {
        using var ns = new NamespaceHarness();

        var root = ns.Record("/");

        Assert.Equal((16385L, O(755), "root", "supergroup", RootFormatTime, 0L), (root.Id, root.Permission, root.Owner, root.Group, root.ModificationTime, root.AccessTime));
        Assert.Equal(new ContentSummary(1, 0, 0), ns.Count("/").Value);
    }
}
