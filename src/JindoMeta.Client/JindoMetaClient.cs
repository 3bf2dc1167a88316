using System.Runtime.CompilerServices;
using JindoMeta.Protos.V1;

namespace JindoMeta.Client;

/// <summary>
/// The JindoMeta namespace client: one method per RPC of jindometa.v1, each with a deadline, retries and
/// failover across the <c>jfs.namespace.server.rpc-address</c> list (see <see cref="RetryRule"/>). Thread-safe;
/// share one instance. Failures surface as <see cref="JindoMetaException"/>.
/// </summary>
public sealed partial class JindoMetaClient : IDisposable
{
    private readonly string _clientIdText;
    private readonly ClientTls? _tls;

    public JindoMetaClient(JindoMetaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _tls = options.Tls is { } tls ? new ClientTls(tls) : null;
        _addresses = [.. options.Addresses];
        _preferred = _addresses[0];
        ClientId = new Guid(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        _clientIdText = ClientId.ToString("N");
    }

    /// <summary>
    /// This instance's random 16-byte id, sent with every mutating call in <c>x-jindo-client-id</c> next to a call
    /// id that increases per operation (<c>x-jindo-call-id</c>), so that a retry is recognised by the server.
    /// </summary>
    public Guid ClientId { get; }

    public JindoMetaClientOptions Options { get; }

    /// <summary>The address the next call goes to first (the last one that answered, or the leader it named).</summary>
    public string PreferredAddress => _preferred;

    public Task<FileStatus?> MkdirsAsync(MkdirsRequest request, CancellationToken cancellationToken = default) =>
        StatusOfAsync(InvokeAsync(NamespaceMethods.Mkdirs, request, request.CreateParent ? RetrySafety.Idempotent : RetrySafety.NotIdempotent, cancellationToken));

    public Task<FileStatus?> CreateAsync(CreateRequest request, CancellationToken cancellationToken = default) =>
        StatusOfAsync(InvokeAsync(NamespaceMethods.Create, request, RetrySafety.NotIdempotent, cancellationToken));

    public Task<FileStatus?> CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default) =>
        StatusOfAsync(InvokeAsync(NamespaceMethods.Complete, request, RetrySafety.NotIdempotent, cancellationToken));

    public async Task DeleteAsync(DeleteRequest request, CancellationToken cancellationToken = default) =>
        await InvokeAsync(NamespaceMethods.Delete, request, RetrySafety.NotIdempotent, cancellationToken).ConfigureAwait(false);

    public Task<FileStatus?> RenameAsync(RenameRequest request, CancellationToken cancellationToken = default) =>
        StatusOfAsync(InvokeAsync(NamespaceMethods.Rename, request, RetrySafety.NotIdempotent, cancellationToken));

    public Task<FileStatus?> SetPermissionAsync(SetPermissionRequest request, CancellationToken cancellationToken = default) =>
        StatusOfAsync(InvokeAsync(NamespaceMethods.SetPermission, request, RetrySafety.Idempotent, cancellationToken));

    public Task<FileStatus?> SetOwnerAsync(SetOwnerRequest request, CancellationToken cancellationToken = default) =>
        StatusOfAsync(InvokeAsync(NamespaceMethods.SetOwner, request, RetrySafety.Idempotent, cancellationToken));

    public Task<FileStatus?> SetTimesAsync(SetTimesRequest request, CancellationToken cancellationToken = default) =>
        StatusOfAsync(InvokeAsync(NamespaceMethods.SetTimes, request, RetrySafety.Idempotent, cancellationToken));

    /// <summary>The status of a path; throws <see cref="JindoMetaException"/> with 25001 when it does not exist.</summary>
    public async Task<FileStatus> GetFileInfoAsync(GetFileInfoRequest request, CancellationToken cancellationToken = default)
    {
        var response = await InvokeAsync(NamespaceMethods.GetFileInfo, request, RetrySafety.Idempotent, cancellationToken).ConfigureAwait(false);
        return response.Status ?? throw new JindoMetaException(Grpc.Core.StatusCode.Internal, JindoErrorCode.None, "The server answered GetFileInfo without a status", _preferred);
    }

    /// <summary>The status of a path, or null when it does not exist.</summary>
    public async Task<FileStatus?> TryGetFileInfoAsync(string namespaceName, string path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetFileInfoAsync(new GetFileInfoRequest { Namespace = namespaceName, Path = path }, cancellationToken).ConfigureAwait(false);
        }
        catch (JindoMetaException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>One page of a directory listing.</summary>
    public Task<ListStatusResponse> ListStatusAsync(ListStatusRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(NamespaceMethods.ListStatus, request, RetrySafety.Idempotent, cancellationToken);

    /// <summary>
    /// Every entry of a directory (or the file itself), fetched lazily page by page in name order. Each page is its
    /// own call with its own deadline, so a huge directory is not limited by one deadline.
    /// </summary>
    public async IAsyncEnumerable<FileStatus> ListAllAsync(
        string namespaceName, string path, int pageSize = 1000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var cursor = string.Empty;
        while (true)
        {
            var page = await ListStatusAsync(
                new ListStatusRequest { Namespace = namespaceName, Path = path, StartAfter = cursor, Limit = pageSize }, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                yield return entry;
            }

            if (!page.HasMore || page.NextCursor.Length == 0)
            {
                yield break;
            }

            cursor = page.NextCursor;
        }
    }

    public Task<ContentSummaryResponse> GetContentSummaryAsync(GetContentSummaryRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(NamespaceMethods.GetContentSummary, request, RetrySafety.Idempotent, cancellationToken);

    public Task<MetaStatusResponse> MetaStatusAsync(MetaStatusRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(NamespaceMethods.MetaStatus, request, RetrySafety.Idempotent, cancellationToken);

    /// <summary>
    /// `-metaStatus` as the leaders see it: a node that does not lead a namespace names its leader, and only the
    /// leader knows each follower's progress, so that namespace's entry is asked of the leader (one call to its
    /// address). When the leader cannot be reached the answering node's own view stays.
    /// </summary>
    public async Task<MetaStatusResponse> MetaStatusFromLeadersAsync(MetaStatusRequest request, CancellationToken cancellationToken = default)
    {
        var status = await MetaStatusAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var group in status.Namespaces.Where(n => n.LeaderAddress.Length > 0).GroupBy(n => n.LeaderAddress, StringComparer.OrdinalIgnoreCase).ToList())
        {
            using var leader = ClientFor(group.Key);
            MetaStatusResponse fromLeader;
            try
            {
                fromLeader = await leader.MetaStatusAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (JindoMetaException)
            {
                continue; // it may have just died: the follower's view is the best there is
            }

            foreach (var entry in group)
            {
                if (fromLeader.Namespaces.FirstOrDefault(n => n.Name == entry.Name && n.LeaderAddress.Length == 0) is { } led)
                {
                    status.Namespaces[status.Namespaces.IndexOf(entry)] = led;
                }
            }
        }

        return status;
    }

    /// <summary>Idempotent: asking again for the node that already leads answers at once.</summary>
    public Task<TransferLeadershipResponse> TransferLeadershipAsync(TransferLeadershipRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(NamespaceMethods.TransferLeadership, request, RetrySafety.Idempotent, cancellationToken);

    /// <summary>`jindo jfs -verifyReplica`: reads only, so it may be resent.</summary>
    public Task<VerifyReplicaResponse> VerifyReplicaAsync(VerifyReplicaRequest request, CancellationToken cancellationToken = default) =>
        InvokeAsync(NamespaceMethods.VerifyReplica, request, RetrySafety.Idempotent, cancellationToken);

    /// <summary>
    /// <see cref="VerifyReplicaAsync"/> of each namespace (or the one named) asked of the node that uploads it: on raft
    /// the leader (a follower names it in its metaStatus), on rocksdb the server itself.
    /// </summary>
    public async Task<VerifyReplicaResponse> VerifyReplicaOnLeadersAsync(VerifyReplicaRequest request, CancellationToken cancellationToken = default)
    {
        var status = await MetaStatusAsync(new MetaStatusRequest(), cancellationToken).ConfigureAwait(false);
        var leaders = status.Namespaces.Where(n => request.Namespace.Length == 0 || n.Name == request.Namespace)
            .Select(n => (n.Name, n.LeaderAddress)).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        if (leaders.All(n => n.LeaderAddress.Length == 0))
        {
            return await VerifyReplicaAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var result = new VerifyReplicaResponse();
        foreach (var (name, leaderAddress) in leaders)
        {
            var one = new VerifyReplicaRequest { Namespace = name };
            if (leaderAddress.Length == 0)
            {
                result.Namespaces.AddRange((await VerifyReplicaAsync(one, cancellationToken).ConfigureAwait(false)).Namespaces);
                continue;
            }

            using var leader = ClientFor(leaderAddress);
            result.Namespaces.AddRange((await leader.VerifyReplicaAsync(one, cancellationToken).ConfigureAwait(false)).Namespaces);
        }

        return result;
    }

    /// <summary>A client of one named node (a leader a follower named), with this client's identity and limits, one attempt.</summary>
    private JindoMetaClient ClientFor(string address) => new(new JindoMetaClientOptions
    {
        Addresses = [address],
        User = Options.User,
        Deadline = Options.Deadline,
        MaxAttempts = 1,
        ConnectTimeout = Options.ConnectTimeout,
        TransportWrapper = Options.TransportWrapper,
        Tls = Options.Tls,
    });

    private static async Task<FileStatus?> StatusOfAsync(Task<FileStatusResponse> call) => (await call.ConfigureAwait(false)).Status;
}
