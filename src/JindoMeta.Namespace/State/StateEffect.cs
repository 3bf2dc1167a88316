using JindoMeta.Namespace.Model;

namespace JindoMeta.Namespace.State;

/// <summary>One change a command makes to the namespace state; a backend turns effects into rows.</summary>
public abstract record StateEffect;

/// <summary>Insert or replace the dentry (parent id, name).</summary>
public sealed record PutEntry(long ParentId, string Name, InodeRecord Record) : StateEffect;

/// <summary>Remove the dentry (parent id, name).</summary>
public sealed record DeleteEntry(long ParentId, string Name) : StateEffect;

/// <summary>Advance the inode id counter (ids are never reused).</summary>
public sealed record SetNextInodeId(long Value) : StateEffect;
