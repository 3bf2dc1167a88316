using System.Runtime.CompilerServices;
using System.Text;

namespace JindoMeta.Raft.Tests.Interaction;

/// <summary>Runs every script in <c>Interaction/testdata/*.txt</c> and compares the transcript with the golden one in the
/// file. Set <c>JINDO_REWRITE_GOLDEN=1</c> to regenerate the files after an intended behaviour change (then review the diff).</summary>
/// <remarks>File format: blocks of <c>command</c>, a <c>----</c> line, the expected output, and a blank line. Lines
/// starting with '#' before a command are comments and are kept on rewrite.</remarks>
public sealed class InteractionTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(TestDataDirectory(), "*.txt").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Transcript_matches_golden_file(string script)
    {
        var path = Path.Combine(TestDataDirectory(), script);
        var original = File.ReadAllText(path);
        var actual = Render(original);
        if (Environment.GetEnvironmentVariable("JINDO_REWRITE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.Equal(original, actual);
    }

    /// <summary>Re-runs the commands of a script and renders the file as it should be.</summary>
    public static string Render(string script)
    {
        var runner = new InteractionRunner();
        var output = new StringBuilder();
        var lines = script.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var i = 0;
        while (i < lines.Length)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith('#'))
            {
                if (line.Length > 0)
                {
                    output.Append(line).Append('\n');
                }

                i++;
                continue;
            }

            // A command: skip its old output (up to the next blank line) and write the new one.
            output.Append(line).Append('\n').Append("----\n");
            var result = runner.Run(line).Replace("\r\n", "\n", StringComparison.Ordinal);
            output.Append(result);
            output.Append('\n');
            i++;
            if (i < lines.Length && lines[i] == "----")
            {
                i++;
                while (i < lines.Length && lines[i].Length > 0)
                {
                    i++;
                }
            }
        }

        return output.ToString();
    }

    private static string TestDataDirectory([CallerFilePath] string sourceFile = "") => Path.Combine(Path.GetDirectoryName(sourceFile)!, "testdata");
}

public sealed class InteractionFormatTests
{
    [Fact]
    public void Render_reproduces_a_golden_block_and_exposes_a_tampered_one()
    {
        const string Golden = "add-nodes 1\n----\n1 nodes:\n\ncampaign 1\n----\n1 campaigns\n\n";
        Assert.Equal(Golden, InteractionTests.Render(Golden));

        var tampered = Golden.Replace("1 campaigns", "2 campaigns", StringComparison.Ordinal);
        Assert.NotEqual(tampered, InteractionTests.Render(tampered));
    }
}
