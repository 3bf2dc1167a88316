using JindoMeta.Raft.Tests.Harness;

namespace JindoMeta.Raft.Tests.Core;

/// <summary>A faulty or misconfigured peer must not crash or corrupt a healthy node: bad messages are ignored.</summary>
public sealed class MalformedMessageTests
{
    public static TheoryData<string, Message> BadMessages() => new()
    {
        { "misrouted", new Message { Type = MessageType.Heartbeat, From = 2, To = 9, Term = 5 } },
        { "from outside the configuration", new Message { Type = MessageType.Heartbeat, From = 7, To = 1, Term = 5 } },
        { "from itself", new Message { Type = MessageType.Heartbeat, From = 1, To = 1, Term = 5 } },
        { "entries with a gap", new Message { Type = MessageType.Append, From = 2, To = 1, Term = 5, Entries = [new Entry(3, 5, [])] } },
        { "entries from a future term", new Message { Type = MessageType.Append, From = 2, To = 1, Term = 5, Entries = [new Entry(1, 6, [])] } },
        { "snapshot chunk without metadata", new Message { Type = MessageType.SnapshotChunk, From = 2, To = 1, Term = 5, Index = 3, SnapshotSize = 4, ChunkData = new byte[4] } },
        { "snapshot chunk beyond its size", new Message { Type = MessageType.SnapshotChunk, From = 2, To = 1, Term = 5, Index = 3, SnapshotMetadata = new SnapshotMetadata(3, 1, [1, 2, 3]), SnapshotSize = 2, ChunkData = new byte[4] } },
        { "unknown type", new Message { Type = (MessageType)200, From = 2, To = 1, Term = 5 } },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public void Bad_message_is_ignored_without_changing_state(string what, Message message)
    {
        var node = new TestNode(1, [1, 2, 3], seed: 1);

        var accepted = node.Raft.Step(message);

        Assert.False(accepted, what);
        Assert.Equal(0ul, node.Raft.Term);
        Assert.Equal(0ul, node.Raft.LastIndex);
        Assert.False(node.Raft.HasReady);
    }
}
