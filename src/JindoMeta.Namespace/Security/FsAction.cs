namespace JindoMeta.Namespace.Security;

/// <summary>The rwx access an operation needs on one inode (the bit values of one permission class).</summary>
[Flags]
public enum FsAction : byte
{
    None = 0,
    Execute = 1,
    Write = 2,
    Read = 4,
    ReadExecute = Read | Execute,
    WriteExecute = Write | Execute,
    All = Read | Write | Execute,
}
