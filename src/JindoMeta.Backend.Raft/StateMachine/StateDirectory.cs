using System.Globalization;
using System.Text;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>
/// The state machine's directory: several RocksDB stores over time (<c>state-0000000001</c>, ...) and the pointer
/// file <c>CURRENT-STATE</c> naming the one in use. A snapshot restore builds the next store beside the current
/// one and then replaces the pointer with a rename, so after a crash the state is either the old store or the new
/// one, never a half-copied mix.
/// </summary>
/// <remarks>
/// The pointer file is synced, renamed, and the directory synced (<see cref="DirectorySync"/>). Even a lost
/// rename would be safe: the older store's applied index is below the raft log store's durable snapshot, and the
/// driver restores that snapshot again on start. Not thread-safe: used by the driver loop.
/// </remarks>
internal sealed class StateDirectory
{
    private const string PointerFile = "CURRENT-STATE";
    private const string StorePrefix = "state-";
    private const string TemporaryPrefix = "tmp-";

    private StateDirectory(string root, long generation)
    {
        Root = root;
        Generation = generation;
    }

    public string Root { get; }

    /// <summary>The number of the store in use (its directory is <see cref="CurrentStorePath"/>).</summary>
    public long Generation { get; private set; }

    public string CurrentStorePath => StorePath(Generation);

    /// <summary>Opens (creating) the directory, and deletes every store and temporary that the pointer does not name.</summary>
    public static StateDirectory Open(string root)
    {
        var fullRoot = Path.GetFullPath(root);
        Directory.CreateDirectory(fullRoot);
        var pointer = Path.Combine(fullRoot, PointerFile);
        long generation;
        if (File.Exists(pointer))
        {
            var text = File.ReadAllText(pointer, Encoding.ASCII).Trim();
            if (!text.StartsWith(StorePrefix, StringComparison.Ordinal) ||
                !long.TryParse(text.AsSpan(StorePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out generation) || generation < 1)
            {
                throw new InvalidDataException($"{pointer} names '{text}', not a state store: the state directory is damaged (delete it to rebuild this node from its peers).");
            }
        }
        else
        {
            generation = 1;
        }

        var directory = new StateDirectory(fullRoot, generation);
        directory.WritePointer(generation);
        directory.DeleteLeftovers();
        return directory;
    }

    /// <summary>A fresh path for a temporary (a checkpoint being packed); the caller deletes it.</summary>
    public string NewTemporaryPath(string purpose) => Path.Combine(Root, $"{TemporaryPrefix}{purpose}-{Guid.NewGuid():N}");

    /// <summary>The directory the next store is built in (emptied first); <see cref="SwitchTo"/> makes it current.</summary>
    public string PrepareNextStore()
    {
        var next = StorePath(Generation + 1);
        if (Directory.Exists(next))
        {
            Directory.Delete(next, recursive: true);
        }

        return next;
    }

    /// <summary>Makes the store built by <see cref="PrepareNextStore"/> the current one; returns the previous store's path.</summary>
    public string SwitchToNextStore()
    {
        var previous = CurrentStorePath;
        WritePointer(Generation + 1);
        Generation++;
        return previous;
    }

    private string StorePath(long generation) => Path.Combine(Root, StorePrefix + generation.ToString("D10", CultureInfo.InvariantCulture));

    private void WritePointer(long generation)
    {
        var pointer = Path.Combine(Root, PointerFile);
        var temporary = pointer + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.ASCII.GetBytes(Path.GetFileName(StorePath(generation)) + "\n"));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, pointer, overwrite: true);
        DirectorySync.Flush(Root);
    }

    private void DeleteLeftovers()
    {
        var current = Path.GetFileName(CurrentStorePath);
        foreach (var entry in Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(entry);
            if (name != current && (name.StartsWith(StorePrefix, StringComparison.Ordinal) || name.StartsWith(TemporaryPrefix, StringComparison.Ordinal)))
            {
                Directory.Delete(entry, recursive: true);
            }
        }
    }
}
