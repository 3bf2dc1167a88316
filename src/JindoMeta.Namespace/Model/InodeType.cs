namespace JindoMeta.Namespace.Model;

public enum InodeType : byte
{
    File = 1,
    Directory = 2,
}
