using System.Globalization;
using System.Text;

namespace JindoMeta.Raft;

/// <summary>A compact, stable, human-readable rendering of messages, used by logs and golden test transcripts.</summary>
public static class MessageFormatter
{
    public static string Describe(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        text.Append(ic, $"{message.From}->{message.To} {message.Type} Term:{message.Term}");
        switch (message.Type)
        {
            case MessageType.Append:
                text.Append(ic, $" Log:{message.LogTerm}/{message.Index} Commit:{message.Commit}");
                if (message.Entries.Length > 0)
                {
                    text.Append(" Entries:[");
                    for (var i = 0; i < message.Entries.Length; i++)
                    {
                        var entry = message.Entries[i];
                        if (i > 0)
                        {
                            text.Append(' ');
                        }

                        text.Append(ic, $"{entry.Term}/{entry.Index}");
                        if (entry.Data.Length > 0)
                        {
                            text.Append(' ').Append(Encoding.UTF8.GetString(entry.Data));
                        }
                    }

                    text.Append(']');
                }

                break;
            case MessageType.AppendResponse:
                text.Append(ic, $" Index:{message.Index}");
                if (message.Reject)
                {
                    text.Append(ic, $" Rejected (Hint: {message.RejectHint}/{message.LogTerm})");
                }

                break;
            case MessageType.RequestVote or MessageType.RequestPreVote:
                text.Append(ic, $" Log:{message.LogTerm}/{message.Index}");
                if (message.LeadershipTransfer)
                {
                    text.Append(" Transfer");
                }

                break;
            case MessageType.RequestVoteResponse or MessageType.RequestPreVoteResponse:
                text.Append(message.Reject ? " Rejected" : " Granted");
                break;
            case MessageType.Heartbeat:
                text.Append(ic, $" Commit:{message.Commit}");
                if (message.Context != 0)
                {
                    text.Append(ic, $" Context:{message.Context}");
                }

                break;
            case MessageType.HeartbeatResponse or MessageType.ReadIndex:
                if (message.Context != 0)
                {
                    text.Append(ic, $" Context:{message.Context}");
                }

                break;
            case MessageType.ReadIndexResponse:
                text.Append(ic, $" Index:{message.Index} Context:{message.Context}");
                break;
            case MessageType.SnapshotChunk:
                text.Append(ic, $" Snapshot:{message.SnapshotMetadata?.Term}/{message.Index} Bytes:{message.ChunkOffset}+{message.ChunkData.Length}/{message.SnapshotSize}");
                break;
            case MessageType.SnapshotChunkResponse:
                text.Append(ic, $" Snapshot:{message.Index} Next:{message.RejectHint}{(message.Reject ? " Rejected" : "")}");
                break;
            default:
                break;
        }

        return text.ToString();
    }
}
