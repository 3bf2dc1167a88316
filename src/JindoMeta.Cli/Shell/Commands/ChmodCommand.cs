using JindoMeta.Cli.Formatting;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-chmod [-R] MODE path...` (octal or symbolic, see <see cref="ModeChange"/>).</summary>
public sealed class ChmodCommand : AttributeCommand
{
    private ModeChange _mode = null!;

    public override string Name => "chmod";

    public override string Usage => "-chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...";

    protected override void ParseSpec(string spec) => _mode = ModeChange.Parse(spec);

    protected override async Task ApplyAsync(JfsPath path, FileStatus status)
    {
        var permission = _mode.Apply(status.Permission, status.Type == FileType.Directory);
        await Client.SetPermissionAsync(new SetPermissionRequest { Namespace = path.Namespace, Path = path.Path, Permission = permission }).ConfigureAwait(false);
    }
}
