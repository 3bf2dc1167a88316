using JindoMeta.Cli.Formatting;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-chown [-R] [OWNER][:[GROUP]] path...`, and `-chgrp [-R] GROUP path...` when <paramref name="groupOnly"/>.</summary>
public sealed class ChownCommand(bool groupOnly) : AttributeCommand
{
    private OwnerSpec _spec = null!;

    public override string Name => groupOnly ? "chgrp" : "chown";

    public override string Usage => groupOnly ? "-chgrp [-R] GROUP PATH..." : "-chown [-R] [OWNER][:[GROUP]] PATH...";

    protected override void ParseSpec(string spec) => _spec = OwnerSpec.Parse(groupOnly ? ":" + spec : spec);

    protected override async Task ApplyAsync(JfsPath path, FileStatus status)
    {
        var request = new SetOwnerRequest { Namespace = path.Namespace, Path = path.Path };
        if (_spec.Owner is { } owner)
        {
            request.Owner = owner;
        }

        if (_spec.Group is { } group)
        {
            request.Group = group;
        }

        await Client.SetOwnerAsync(request).ConfigureAwait(false);
    }
}
