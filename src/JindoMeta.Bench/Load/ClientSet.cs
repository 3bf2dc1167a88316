using JindoMeta.Client;

namespace JindoMeta.Bench.Load;

/// <summary>
/// Several <see cref="JindoMetaClient"/>s to the same servers, one HTTP/2 connection each: the load of many client
/// processes, not one connection multiplexing every caller (which serializes on Kestrel's per-connection frame
/// writer, see the rpc suite).
/// </summary>
public sealed class ClientSet : IDisposable
{
    private readonly JindoMetaClient[] _clients;

    /// <param name="addresses">host:port[,host:port...], the client library's address list syntax.</param>
    /// <param name="user">The user the calls are made as; null: the client library's default (HADOOP_USER_NAME, else the OS user).</param>
    public ClientSet(string addresses, int connections, string? user = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        _clients = [.. Enumerable.Range(0, connections).Select(_ =>
        {
            var options = JindoMetaClientOptions.ForRpcAddress(addresses);
            options.User = user ?? options.User;
            return new JindoMetaClient(options);
        })];
    }

    public IReadOnlyList<JindoMetaClient> Clients => _clients;

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
