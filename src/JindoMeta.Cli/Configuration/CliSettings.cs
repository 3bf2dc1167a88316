using System.Globalization;
using JindoMeta.Client;

namespace JindoMeta.Cli.Configuration;

/// <summary>
/// Where the CLI finds the servers and how long it waits, from (first wins): --rpc-address / --timeout / --user,
/// -D key=value, the environment (JINDO_RPC_ADDRESS, JINDO_RPC_TIMEOUT, HADOOP_USER_NAME, JINDO_TLS_CA_FILE,
/// JINDO_TLS_CERT_FILE, JINDO_TLS_KEY_FILE), the file
/// $JINDO_CONF_DIR/jindometa.cfg (key = value lines, # comments), then the defaults.
/// </summary>
public sealed record CliSettings(IReadOnlyList<string> Addresses, string RpcAddressValue, string? User, TimeSpan Deadline, ClientTlsOptions? Tls = null)
{
    /// <summary>The CA bundle the servers' certificates must be issued by; set: the CLI speaks TLS.</summary>
    public const string TlsCaFileKey = "jfs.namespace.client.tls.ca-file";
    public const string TlsCertificateFileKey = "jfs.namespace.client.tls.cert-file";
    public const string TlsKeyFileKey = "jfs.namespace.client.tls.key-file";
    public const string ConfigFileName = "jindometa.cfg";
    public const string DeadlineKey = "jfs.namespace.client.deadline-seconds";
    public const string UserKey = "hadoop.user.name";
    public const double DefaultDeadlineSeconds = 30;

    /// <summary>Resolves the settings; throws <see cref="FormatException"/> naming the key of a bad value.</summary>
    public static CliSettings Resolve(GenericOptions options, Func<string, string?> environment)
    {
        var file = ReadConfigFile(environment("JINDO_CONF_DIR"));
        string? Lookup(string key, string? explicitValue, string environmentName) =>
            explicitValue ?? options.Definitions.GetValueOrDefault(key) ?? NonEmpty(environment(environmentName)) ?? file.GetValueOrDefault(key);

        var rpcAddress = Lookup(RpcAddressList.ConfigKey, options.RpcAddress, "JINDO_RPC_ADDRESS") ?? RpcAddressList.DefaultValue;
        var addresses = RpcAddressList.Parse(rpcAddress);
        var deadlineText = Lookup(DeadlineKey, options.Timeout, "JINDO_RPC_TIMEOUT");
        var deadline = DefaultDeadlineSeconds;
        if (deadlineText is not null && (!double.TryParse(deadlineText, NumberStyles.Float, CultureInfo.InvariantCulture, out deadline) || deadline <= 0 || deadline > 86400))
        {
            throw new FormatException($"{DeadlineKey} = '{deadlineText}' must be a number of seconds in (0, 86400]");
        }

        var caFile = Lookup(TlsCaFileKey, null, "JINDO_TLS_CA_FILE");
        var certificateFile = Lookup(TlsCertificateFileKey, null, "JINDO_TLS_CERT_FILE");
        var keyFile = Lookup(TlsKeyFileKey, null, "JINDO_TLS_KEY_FILE");
        if (caFile is null && (certificateFile ?? keyFile) is not null)
        {
            throw new FormatException($"a client certificate ({TlsCertificateFileKey}) is for TLS: set {TlsCaFileKey} (the servers' CA bundle) too");
        }

        if ((certificateFile is null) != (keyFile is null))
        {
            throw new FormatException($"{TlsCertificateFileKey} and {TlsKeyFileKey} go together: set both or neither");
        }

        var tls = caFile is null ? null : new ClientTlsOptions { CaFile = caFile, CertificateFile = certificateFile, KeyFile = keyFile };
        // With a client certificate the certificate names us; a user given explicitly (or HADOOP_USER_NAME) asks to act for that one.
        var user = options.User ?? options.Definitions.GetValueOrDefault(UserKey)
            ?? (certificateFile is null ? JindoMetaClientOptions.DefaultUser() : NonEmpty(environment("HADOOP_USER_NAME")));
        return new CliSettings(addresses, rpcAddress, user, TimeSpan.FromSeconds(deadline), tls);
    }

    public JindoMetaClientOptions ToClientOptions() => new() { Addresses = Addresses, User = User, Deadline = Deadline, Tls = Tls };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Dictionary<string, string> ReadConfigFile(string? directory)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(directory))
        {
            return values;
        }

        var path = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(path))
        {
            return values;
        }

        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                throw new FormatException($"{path}:{lineNumber}: expected 'key = value', got '{line}'");
            }

            values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }

        return values;
    }
}
