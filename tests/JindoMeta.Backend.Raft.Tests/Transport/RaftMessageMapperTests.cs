using System.Reflection;
using Google.Protobuf;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Protos.Raft.V1;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>The wire form carries every field of <see cref="Message"/> both ways, for every message type.</summary>
public sealed class RaftMessageMapperTests
{
    private static readonly PropertyInfo[] MessageProperties = typeof(Message).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    public static TheoryData<MessageType> AllTypes() => [.. Enum.GetValues<MessageType>()];

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Every_field_survives_encoding_to_bytes_and_back(MessageType type)
    {
        var original = SampleWithEveryFieldSet(type);

        var bytes = RaftMessageMapper.ToProto(original).ToByteArray();
        var decoded = RaftMessageMapper.FromProto(RaftMessage.Parser.ParseFrom(bytes));

        foreach (var property in MessageProperties)
        {
            AssertSameValue(property.Name, property.GetValue(original), property.GetValue(decoded));
        }
    }

    [Fact]
    public void Sample_sets_every_property_of_Message_so_a_dropped_field_cannot_go_unnoticed()
    {
        // If Message gains a field, this fails until the sample sets it, and then the round trip checks its mapping.
        var sample = SampleWithEveryFieldSet(MessageType.SnapshotChunk);

        foreach (var property in MessageProperties)
        {
            var value = property.GetValue(sample);
            var isDefault = value switch
            {
                null => true,
                ReadOnlyMemory<byte> memory => memory.IsEmpty,
                Array array => array.Length == 0,
                _ => value.Equals(property.PropertyType.IsValueType ? Activator.CreateInstance(property.PropertyType) : null),
            };
            Assert.False(isDefault, $"the sample leaves Message.{property.Name} at its default value");
        }
    }

    [Fact]
    public void Wire_enums_number_every_type_as_the_core_does()
    {
        // The mapper casts between the enums: a value renumbered on one side would silently change a message's meaning.
        foreach (var type in Enum.GetValues<MessageType>())
        {
            Assert.Equal(type.ToString(), ((RaftMessageType)type).ToString());
        }

        foreach (var type in Enum.GetValues<EntryType>())
        {
            Assert.Equal(type.ToString(), ((RaftEntryType)type).ToString());
        }
    }

    [Fact]
    public void Message_without_optional_parts_decodes_with_them_empty()
    {
        var original = new Message { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 3 };

        var decoded = RaftMessageMapper.FromProto(RaftMessage.Parser.ParseFrom(RaftMessageMapper.ToProto(original).ToByteArray()));

        Assert.Empty(decoded.Entries);
        Assert.Null(decoded.SnapshotMetadata);
        Assert.True(decoded.ChunkData.IsEmpty);
    }

    [Fact]
    public void Outgoing_payloads_are_shared_not_copied()
    {
        // The hot-path promise of the mapper: a 1 MiB append is not copied once per follower.
        var payload = new byte[1 << 20];
        var message = new Message { Type = MessageType.Append, From = 1, To = 2, Entries = [new Entry(1, 1, payload)] };

        var proto = RaftMessageMapper.ToProto(message);

        payload[12345] = 42;
        Assert.Equal(42, proto.Entries[0].Data[12345]);
    }

    private static Message SampleWithEveryFieldSet(MessageType type) => new()
    {
        Type = type,
        From = 3,
        To = 2,
        Term = 11,
        LogTerm = 10,
        Index = 1_000_001,
        Entries =
        [
            new Entry(1_000_002, 10, [1, 2, 3]),
            new Entry(1_000_003, 11, [], EntryType.ConfigurationChange),
            new Entry(1_000_004, 11, [.. Enumerable.Range(0, 300).Select(i => (byte)i)]),
        ],
        Commit = 999_999,
        Reject = true,
        RejectHint = 777,
        Context = ulong.MaxValue,
        LeadershipTransfer = true,
        SnapshotMetadata = new SnapshotMetadata(900_000, 9, [1, 2, 3]),
        ChunkOffset = 4096,
        SnapshotSize = 1 << 30,
        ChunkData = new byte[] { 9, 8, 7, 6 },
    };

    private static void AssertSameValue(string name, object? expected, object? actual)
    {
        switch (expected)
        {
            case Entry[] entries:
                var actualEntries = Assert.IsType<Entry[]>(actual);
                Assert.Equal(entries.Length, actualEntries.Length);
                for (var i = 0; i < entries.Length; i++)
                {
                    Assert.Equal(entries[i].Index, actualEntries[i].Index);
                    Assert.Equal(entries[i].Term, actualEntries[i].Term);
                    Assert.Equal(entries[i].Type, actualEntries[i].Type);
                    Assert.Equal(entries[i].Data, actualEntries[i].Data);
                }

                break;
            case SnapshotMetadata metadata:
                var actualMetadata = Assert.IsType<SnapshotMetadata>(actual);
                Assert.Equal(metadata.Index, actualMetadata.Index);
                Assert.Equal(metadata.Term, actualMetadata.Term);
                Assert.Equal(metadata.Voters, actualMetadata.Voters);
                break;
            case ReadOnlyMemory<byte> memory:
                Assert.Equal(memory.ToArray(), Assert.IsType<ReadOnlyMemory<byte>>(actual).ToArray());
                break;
            default:
                Assert.True(Equals(expected, actual), $"Message.{name}: expected {expected}, decoded {actual}");
                break;
        }
    }
}
