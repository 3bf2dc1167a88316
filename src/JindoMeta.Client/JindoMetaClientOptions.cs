namespace JindoMeta.Client;

/// <summary>How a <see cref="JindoMetaClient"/> finds the servers, who it is, and how long and how often it tries.</summary>
public sealed class JindoMetaClientOptions
{
    public const string UserHeader = "x-jindo-user";
    public const string ClientIdHeader = "x-jindo-client-id";
    public const string CallIdHeader = "x-jindo-call-id";

    /// <summary>The servers to try, in order (see <see cref="RpcAddressList.Parse"/>).</summary>
    public IReadOnlyList<string> Addresses { get; set; } = [RpcAddressList.DefaultValue];

    /// <summary>
    /// The user sent in <c>x-jindo-user</c>: with simple authentication, who we are; with a client certificate, whom
    /// we act for (the servers allow it only to proxy users). Null: none sent, only with a client certificate, which
    /// then names the user. Default: HADOOP_USER_NAME, else the OS user.
    /// </summary>
    public string? User { get; set; } = DefaultUser();

    /// <summary>Total time for one operation, all retries included.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most attempts for one operation (leader redirects included).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>First retry delay; doubles each retry up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time to open a TCP connection to one server before trying the next.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest reply accepted (a listing page of 5,000 entries is about 1 MB); the server's default limit is 16 MB.</summary>
    public int MaxReceiveMessageSize { get; set; } = 16 << 20;

    /// <summary>TLS towards the servers (they run namespace.security.authentication = tls); null: cleartext.</summary>
    public ClientTlsOptions? Tls { get; set; }

    /// <summary>
    /// Wraps each channel's HTTP transport (tests drop or delay replies with it; diagnostics may log). Null: the
    /// transport as is.
    /// </summary>
    public Func<System.Net.Http.HttpMessageHandler, System.Net.Http.HttpMessageHandler>? TransportWrapper { get; set; }

    /// <summary>Source of jitter; inject a seeded one for reproducible tests.</summary>
    public Random Random { get; set; } = Random.Shared;

    /// <summary>Options for the given rpc-address value (the config key's syntax), defaults for the rest.</summary>
    public static JindoMetaClientOptions ForRpcAddress(string rpcAddress) => new() { Addresses = RpcAddressList.Parse(rpcAddress) };

    public static string DefaultUser()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("HADOOP_USER_NAME");
        return string.IsNullOrWhiteSpace(fromEnvironment) ? Environment.UserName : fromEnvironment.Trim();
    }

    internal void Validate()
    {
        if (Addresses.Count == 0)
        {
            throw new ArgumentException($"No server address given ({RpcAddressList.ConfigKey} is empty).");
        }

        if (User is null && Tls?.CertificateFile is null)
        {
            throw new ArgumentException("No user name given: without a client certificate the call must name its user.");
        }

        if (User is not null && (string.IsNullOrWhiteSpace(User) || User.Any(c => c is < (char)0x21 or > (char)0x7E)))
        {
            throw new ArgumentException($"User name '{User}' must be printable ASCII without spaces (it travels in the {UserHeader} header).");
        }

        if (Deadline <= TimeSpan.Zero || MaxAttempts < 1)
        {
            throw new ArgumentException("Deadline must be positive and MaxAttempts at least 1.");
        }
    }
}
