using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

public sealed class NamespaceCommandCodecTests
{
    private static readonly CallerIdentity Alice = new("alice", ["staff", "ünïcødé-组"]);
    private static readonly CallerIdentity NoGroups = new("bob", []);

    public static TheoryData<string, NamespaceCommand> EveryCommand() => new()
    {
        { "mkdir", new MkdirsCommand(Alice, "/a/b", 0x1ED, CreateParent: false) },
        { "mkdir -p, odd umask", new MkdirsCommand(NoGroups, "/数据/ä ö/😀", 0x3FF, CreateParent: true, Umask: 0x1FF) },
        { "create", new CreateFileCommand(Alice, "/a/file", 0x1A4, Overwrite: true, CreateParent: false, Replication: 3, BlockSize: 128L << 20) },
        { "create, extreme numbers", new CreateFileCommand(NoGroups, "/x", ushort.MaxValue, Overwrite: false, CreateParent: true, Replication: short.MinValue, BlockSize: long.MaxValue, Umask: 0) },
        { "complete, no blocks", new CompleteFileCommand(Alice, "/a/file", 0, []) },
        { "complete, many blocks", new CompleteFileCommand(Alice, "/a/big", long.MaxValue, ManyBlocks(10_000)) },
        { "delete", new DeleteCommand(Alice, "/a", Recursive: true) },
        { "delete, root", new DeleteCommand(NoGroups, "/", Recursive: false) },
        { "rename", new RenameCommand(Alice, "/a/b", "/c/d", Overwrite: false) },
        { "rename overwrite, unicode", new RenameCommand(NoGroups, "/é", "/ñ/文件", Overwrite: true) },
        { "chmod", new SetPermissionCommand(Alice, "/a", 0x3FF) },
        { "chown both", new SetOwnerCommand(Alice, "/a", "carol", "wheel") },
        { "chown owner only", new SetOwnerCommand(Alice, "/a", "carol", null) },
        { "chown group only", new SetOwnerCommand(Alice, "/a", null, "wheel") },
        { "chown neither", new SetOwnerCommand(NoGroups, "/a", null, null) },
        { "chown empty strings", new SetOwnerCommand(NoGroups, "/a", "", "") },
        { "set times", new SetTimesCommand(Alice, "/a", 1_700_000_000_123, -1) },
        { "set times, extremes", new SetTimesCommand(NoGroups, "/a", long.MinValue, long.MaxValue) },
        { "empty path and user", new DeleteCommand(new CallerIdentity("", [""]), "", Recursive: false) },
        { "complete, checksums", new CompleteFileCommand(Alice, "/a/f", 3, [new BlockInfo(7, 1, 1, 0xFFFF_FFFF), new BlockInfo(long.MaxValue, 2, 1, 0x1234_5678)]) },
        { "append", new AppendFileCommand(Alice, "/a/f") },
        { "recover lease", new RecoverLeaseCommand(NoGroups, "/a/f", long.MaxValue) },
        { "set replication", new SetReplicationCommand(Alice, "/a/f", short.MinValue) },
    };

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public void Every_command_round_trips_with_its_envelope(string scenario, NamespaceCommand command)
    {
        var clientId = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        var replicated = new ReplicatedCommand(command, TimestampMs: 1_733_000_000_000, clientId, CallId: long.MinValue);

        var decoded = NamespaceCommandCodec.Decode(NamespaceCommandCodec.Encode(replicated));

        Assert.True(CommandDescription.Of(command) == CommandDescription.Of(decoded.Command), scenario);
        Assert.Equal(command.GetType(), decoded.Command.GetType());
        Assert.Equal(1_733_000_000_000, decoded.TimestampMs);
        Assert.Equal(clientId, decoded.ClientId);
        Assert.Equal(long.MinValue, decoded.CallId);
    }

    [Fact]
    public void Envelope_edge_values_round_trip()
    {
        foreach (var (timestamp, clientId, callId) in new[] { (0L, Guid.Empty, 0L), (-1L, Guid.NewGuid(), long.MaxValue), (long.MaxValue, Guid.NewGuid(), -1L) })
        {
            var decoded = NamespaceCommandCodec.Decode(NamespaceCommandCodec.Encode(new ReplicatedCommand(new DeleteCommand(Alice, "/a", false), timestamp, clientId, callId)));
            Assert.Equal((timestamp, clientId, callId), (decoded.TimestampMs, decoded.ClientId, decoded.CallId));
        }
    }

    [Fact]
    public void Client_id_is_written_big_endian_as_its_canonical_bytes()
    {
        var payload = NamespaceCommandCodec.Encode(new ReplicatedCommand(new DeleteCommand(NoGroups, "/", false), 0, Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), 0));

        // [version][tag][timestamp 0 = one byte][16 id bytes]
        Assert.Equal(Convert.FromHexString("00112233445566778899aabbccddeeff"), payload.AsSpan(3, 16).ToArray());
    }

    [Fact]
    public void Unknown_version_is_rejected_with_a_message_that_says_to_upgrade()
    {
        var payload = Encode(new DeleteCommand(Alice, "/a", false));
        payload[0] = 2;

        var error = Assert.Throws<FormatException>(() => NamespaceCommandCodec.Decode(payload));
        Assert.Contains("unknown format version 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_complete_written_before_blocks_had_checksums_still_decodes()
    {
        // With no blocks, the old complete (tag 3) and the new one (tag 9) differ in the tag only.
        var command = new CompleteFileCommand(Alice, "/a/empty", 0, []);
        var payload = Encode(command);
        Assert.Equal(9, payload[1]);
        payload[1] = 3;

        var decoded = (CompleteFileCommand)NamespaceCommandCodec.Decode(payload).Command;
        Assert.Equal(command.Path, decoded.Path);
        Assert.Empty(decoded.Blocks);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(255)]
    public void Unknown_command_tag_is_rejected(byte tag)
    {
        var payload = Encode(new DeleteCommand(Alice, "/a", false));
        payload[1] = tag;

        var error = Assert.Throws<FormatException>(() => NamespaceCommandCodec.Decode(payload));
        Assert.Contains($"unknown command tag {tag}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_and_any_trailing_byte_are_rejected()
    {
        foreach (var (_, command) in EveryCommand().Select(row => ((string)row[0], (NamespaceCommand)row[1])))
        {
            var payload = Encode(command);
            // Every cut of the small payloads; the 10 000-block one (about 60 KB) at a stride, to stay quick.
            var stride = payload.Length > 1000 ? 997 : 1;
            for (var length = 0; length < payload.Length; length += stride)
            {
                Assert.Throws<FormatException>(() => NamespaceCommandCodec.Decode(payload.AsSpan(0, length)));
            }

            Assert.Throws<FormatException>(() => NamespaceCommandCodec.Decode([.. payload, 0]));
        }
    }

    [Fact]
    public void A_boolean_other_than_0_or_1_is_rejected()
    {
        var payload = Encode(new DeleteCommand(NoGroups, "/a", Recursive: true));
        Assert.Equal(1, payload[^1]);
        payload[^1] = 2;

        var error = Assert.Throws<FormatException>(() => NamespaceCommandCodec.Decode(payload));
        Assert.Contains("a boolean is 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_refuses_what_decoding_would_refuse()
    {
        var longPath = "/" + new string('x', NamespaceCommandCodec.MaxStringBytes);
        var manyGroups = new CallerIdentity("u", Enumerable.Range(0, NamespaceCommandCodec.MaxGroups + 1).Select(i => $"g{i}").ToArray());

        Assert.True(Assert.Throws<CommandNotReplicableException>(() => Encode(new DeleteCommand(Alice, longPath, false))).IsPath);
        Assert.Throws<ArgumentException>(() => Encode(new DeleteCommand(manyGroups, "/a", false)));
        var unpaired = Assert.Throws<CommandNotReplicableException>(() => Encode(new RenameCommand(Alice, "/a", "/b\uD800", false)));
        Assert.Equal(("destination", true), (unpaired.ParamName, unpaired.IsPath));
        Assert.Contains("unpaired UTF-16 surrogate", unpaired.Message, StringComparison.Ordinal);
    }

    private static byte[] Encode(NamespaceCommand command) =>
        NamespaceCommandCodec.Encode(new ReplicatedCommand(command, 1_733_000_000_000, Guid.NewGuid(), 7));

    private static BlockInfo[] ManyBlocks(int count) =>
        Enumerable.Range(0, count).Select(i => new BlockInfo(BlockId: long.MaxValue - i, NumBytes: i * 1000L, GenerationStamp: -i)).ToArray();
}
