using System.Buffers;
using System.Text;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>
/// The raft entry payload: a <see cref="ReplicatedCommand"/> as bytes. Version 1 =
/// [1][command tag][timestamp][client id: 16 bytes][call id][user][group count]{[group]}[command fields].
/// Integers are zigzag varints (<see cref="RecordWriter"/>), strings length-prefixed UTF-8, booleans one byte
/// that must be 0 or 1. Command fields per tag:
/// <list type="number">
/// <item>mkdirs: path, permission, create parent, umask</item>
/// <item>create: path, permission, overwrite, create parent, replication, block size, umask</item>
/// <item>complete (written by older nodes, still read): path, length, block count, {block id, bytes, generation stamp}</item>
/// <item>delete: path, recursive</item>
/// <item>rename: source, destination, overwrite</item>
/// <item>set permission: path, permission</item>
/// <item>set owner: path, has owner, [owner], has group, [group]</item>
/// <item>set times: path, modification time, access time</item>
/// <item>complete: path, length, block count, {block id, bytes, generation stamp, checksum}</item>
/// <item>append: path</item>
/// <item>recover lease: path, file id</item>
/// <item>set replication: path, replication</item>
/// </list>
/// </summary>
/// <remarks>
/// Hand-written rather than protobuf: it shares the varint primitives of the record and change-feed codecs, and it
/// is strict where protobuf is lenient. Protobuf skips unknown fields and defaults missing ones, so a node running
/// older code would apply a newer command as something else, silently; here an unknown version, tag, flag value or
/// trailing byte is a <see cref="FormatException"/>, which stops the state machine (an entry must never be skipped
/// or half-understood). Encoding enforces the same limits as decoding, so the leader can never propose an entry
/// that the followers cannot decode. A new field or command means a new version (or tag); old ones stay readable.
/// The first byte is also what tells a command from the uploader's bookkeeping entries (<see cref="ReplicaEntryCodec"/>).
/// </remarks>
public static class NamespaceCommandCodec
{
    public const byte Version = 1;

    /// <summary>Longest path or principal name carried (UTF-8 bytes); the engine's own limits are far below.</summary>
    public const int MaxStringBytes = 64 * 1024;

    public const int MaxGroups = 4096;

    public const int MaxBlocks = 1_000_000;

    private const int ClientIdBytes = 16;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private enum CommandTag : byte
    {
        Mkdirs = 1,
        CreateFile = 2,
        CompleteFileWithoutChecksums = 3,
        Delete = 4,
        Rename = 5,
        SetPermission = 6,
        SetOwner = 7,
        SetTimes = 8,
        CompleteFile = 9,
        AppendFile = 10,
        RecoverLease = 11,
        SetReplication = 12,
    }

    /// <summary>The payload to propose. The array is new (raft owns it once proposed).</summary>
    /// <exception cref="ArgumentException">A field exceeds a codec limit (the caller should have rejected the call).</exception>
    public static byte[] Encode(ReplicatedCommand replicated)
    {
        ArgumentNullException.ThrowIfNull(replicated);
        var command = replicated.Command;
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = new RecordWriter(buffer);
        writer.Byte(Version);
        writer.Byte((byte)TagOf(command));
        writer.Varint(replicated.TimestampMs);
        Span<byte> clientId = stackalloc byte[ClientIdBytes];
        replicated.ClientId.TryWriteBytes(clientId, bigEndian: true, out _);
        writer.FixedBytes(clientId);
        writer.Varint(replicated.CallId);
        WriteCaller(ref writer, command.Caller);
        switch (command)
        {
            case MkdirsCommand c:
                WriteString(ref writer, c.Path, "path");
                writer.UVarint(c.Permission);
                writer.Byte(Flag(c.CreateParent));
                writer.UVarint(c.Umask);
                break;
            case CreateFileCommand c:
                WriteString(ref writer, c.Path, "path");
                writer.UVarint(c.Permission);
                writer.Byte(Flag(c.Overwrite));
                writer.Byte(Flag(c.CreateParent));
                writer.Varint(c.Replication);
                writer.Varint(c.BlockSize);
                writer.UVarint(c.Umask);
                break;
            case CompleteFileCommand c:
                WriteString(ref writer, c.Path, "path");
                writer.Varint(c.Length);
                if (c.Blocks.Count > MaxBlocks)
                {
                    throw new ArgumentException($"A file of {c.Blocks.Count} blocks exceeds the codec limit {MaxBlocks}.", nameof(replicated));
                }

                writer.UVarint((ulong)c.Blocks.Count);
                foreach (var block in c.Blocks)
                {
                    writer.Varint(block.BlockId);
                    writer.Varint(block.NumBytes);
                    writer.Varint(block.GenerationStamp);
                    writer.UVarint(block.Checksum);
                }

                break;
            case DeleteCommand c:
                WriteString(ref writer, c.Path, "path");
                writer.Byte(Flag(c.Recursive));
                break;
            case RenameCommand c:
                WriteString(ref writer, c.Source, "source");
                WriteString(ref writer, c.Destination, "destination");
                writer.Byte(Flag(c.Overwrite));
                break;
            case SetPermissionCommand c:
                WriteString(ref writer, c.Path, "path");
                writer.UVarint(c.Permission);
                break;
            case SetOwnerCommand c:
                WriteString(ref writer, c.Path, "path");
                WriteOptionalString(ref writer, c.Owner, "owner");
                WriteOptionalString(ref writer, c.Group, "group");
                break;
            case SetTimesCommand c:
                WriteString(ref writer, c.Path, "path");
                writer.Varint(c.ModificationTime);
                writer.Varint(c.AccessTime);
                break;
            case AppendFileCommand c:
                WriteString(ref writer, c.Path, "path");
                break;
            case RecoverLeaseCommand c:
                WriteString(ref writer, c.Path, "path");
                writer.Varint(c.FileId);
                break;
            case SetReplicationCommand c:
                WriteString(ref writer, c.Path, "path");
                writer.Varint(c.Replication);
                break;
            default:
                throw new ArgumentException($"Command {command.GetType().Name} has no replicated form.", nameof(replicated));
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a payload written by <see cref="Encode"/>.</summary>
    /// <exception cref="FormatException">Unknown version or tag, a bad flag, a field over a limit, truncated or trailing bytes.</exception>
    public static ReplicatedCommand Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new RecordReader(payload, "raft command entry");
        var version = reader.Byte();
        if (version != Version)
        {
            throw new FormatException($"Malformed raft command entry: unknown format version {version} (this node reads version {Version}); upgrade this node.");
        }

        var tag = (CommandTag)reader.Byte();
        var timestamp = reader.Varint();
        var clientId = new Guid(reader.FixedBytes(ClientIdBytes), bigEndian: true);
        var callId = reader.Varint();
        var caller = ReadCaller(ref reader);
        NamespaceCommand command = tag switch
        {
            CommandTag.Mkdirs => new MkdirsCommand(caller, reader.String(MaxStringBytes), Permission(ref reader), Bool(ref reader), Permission(ref reader)),
            CommandTag.CreateFile => new CreateFileCommand(
                caller,
                reader.String(MaxStringBytes),
                Permission(ref reader),
                Overwrite: Bool(ref reader),
                CreateParent: Bool(ref reader),
                Replication(ref reader),
                reader.Varint(),
                Permission(ref reader)),
            CommandTag.CompleteFileWithoutChecksums => new CompleteFileCommand(caller, reader.String(MaxStringBytes), reader.Varint(), Blocks(ref reader, withChecksums: false)),
            CommandTag.CompleteFile => new CompleteFileCommand(caller, reader.String(MaxStringBytes), reader.Varint(), Blocks(ref reader, withChecksums: true)),
            CommandTag.AppendFile => new AppendFileCommand(caller, reader.String(MaxStringBytes)),
            CommandTag.RecoverLease => new RecoverLeaseCommand(caller, reader.String(MaxStringBytes), reader.Varint()),
            CommandTag.SetReplication => new SetReplicationCommand(caller, reader.String(MaxStringBytes), Replication(ref reader)),
            CommandTag.Delete => new DeleteCommand(caller, reader.String(MaxStringBytes), Bool(ref reader)),
            CommandTag.Rename => new RenameCommand(caller, reader.String(MaxStringBytes), reader.String(MaxStringBytes), Bool(ref reader)),
            CommandTag.SetPermission => new SetPermissionCommand(caller, reader.String(MaxStringBytes), Permission(ref reader)),
            CommandTag.SetOwner => new SetOwnerCommand(caller, reader.String(MaxStringBytes), OptionalString(ref reader), OptionalString(ref reader)),
            CommandTag.SetTimes => new SetTimesCommand(caller, reader.String(MaxStringBytes), reader.Varint(), reader.Varint()),
            _ => throw new FormatException($"Malformed raft command entry: unknown command tag {(byte)tag} (this node knows 1-12); upgrade this node."),
        };
        reader.ExpectEnd();
        return new ReplicatedCommand(command, timestamp, clientId, callId);
    }

    private static CommandTag TagOf(NamespaceCommand command) => command switch
    {
        MkdirsCommand => CommandTag.Mkdirs,
        CreateFileCommand => CommandTag.CreateFile,
        CompleteFileCommand => CommandTag.CompleteFile,
        DeleteCommand => CommandTag.Delete,
        RenameCommand => CommandTag.Rename,
        SetPermissionCommand => CommandTag.SetPermission,
        SetOwnerCommand => CommandTag.SetOwner,
        SetTimesCommand => CommandTag.SetTimes,
        AppendFileCommand => CommandTag.AppendFile,
        RecoverLeaseCommand => CommandTag.RecoverLease,
        SetReplicationCommand => CommandTag.SetReplication,
        _ => throw new ArgumentException($"Command {command.GetType().Name} has no replicated form.", nameof(command)),
    };

    private static void WriteCaller(ref RecordWriter writer, CallerIdentity caller)
    {
        WriteString(ref writer, caller.User, "user");
        if (caller.Groups.Count > MaxGroups)
        {
            throw new ArgumentException($"A caller in {caller.Groups.Count} groups exceeds the codec limit {MaxGroups}.", nameof(caller));
        }

        writer.UVarint((ulong)caller.Groups.Count);
        foreach (var group in caller.Groups)
        {
            WriteString(ref writer, group, "group");
        }
    }

    private static CallerIdentity ReadCaller(ref RecordReader reader)
    {
        var user = reader.String(MaxStringBytes);
        var count = reader.Length(MaxGroups);
        var groups = count == 0 ? [] : new string[count];
        for (var i = 0; i < count; i++)
        {
            groups[i] = reader.String(MaxStringBytes);
        }

        return new CallerIdentity(user, groups);
    }

    private static void WriteString(ref RecordWriter writer, string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value, what);
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            // UTF-8 has no form for an unpaired surrogate: replicating a replacement character instead would make the
            // followers execute another command than the one the client sent.
            throw new CommandNotReplicableException(what, $"The {what} is not valid Unicode (an unpaired UTF-16 surrogate); it has no UTF-8 form to replicate.");
        }

        if (bytes > MaxStringBytes)
        {
            throw new CommandNotReplicableException(what, $"The {what} is longer than the codec limit of {MaxStringBytes} UTF-8 bytes.");
        }

        writer.String(value);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static void WriteOptionalString(ref RecordWriter writer, string? value, string what)
    {
        writer.Byte(Flag(value is not null));
        if (value is not null)
        {
            WriteString(ref writer, value, what);
        }
    }

    private static string? OptionalString(ref RecordReader reader) => Bool(ref reader) ? reader.String(MaxStringBytes) : null;

    private static byte Flag(bool value) => value ? (byte)1 : (byte)0;

    private static bool Bool(ref RecordReader reader) => reader.Byte() switch
    {
        0 => false,
        1 => true,
        var other => throw new FormatException($"Malformed raft command entry: a boolean is {other}, expected 0 or 1"),
    };

    private static ushort Permission(ref RecordReader reader)
    {
        var value = reader.UVarint();
        return value <= ushort.MaxValue ? (ushort)value : throw new FormatException($"Malformed raft command entry: permission bits {value} do not fit 16 bits");
    }

    private static short Replication(ref RecordReader reader)
    {
        var value = reader.Varint();
        return value is >= short.MinValue and <= short.MaxValue ? (short)value : throw new FormatException($"Malformed raft command entry: replication {value} does not fit 16 bits");
    }

    private static BlockInfo[] Blocks(ref RecordReader reader, bool withChecksums)
    {
        var count = reader.Length(MaxBlocks);
        if (count == 0)
        {
            return [];
        }

        var blocks = new BlockInfo[count];
        for (var i = 0; i < count; i++)
        {
            blocks[i] = new BlockInfo(reader.Varint(), reader.Varint(), reader.Varint(), withChecksums ? reader.UVarint32("block checksum") : 0);
        }

        return blocks;
    }
}
