using System.Globalization;
using System.Text;

namespace JindoMeta.TableStore;

/// <summary>
/// Where and as whom the client talks to Tablestore. Built from the <c>namespace.ots.*</c> keys by
/// <see cref="FromSettings"/>. The secret and the STS token never appear in <see cref="ToString"/>.
/// </summary>
public sealed record TableStoreOptions
{
    public const string EndpointKey = "namespace.ots.endpoint";
    public const string InstanceKey = "namespace.ots.instance";
    public const string AccessKeyKey = "namespace.ots.accessKey";
    public const string AccessSecretKey = "namespace.ots.accessSecret";
    /// <summary>Optional STS security token, sent as <c>x-ots-ststoken</c>.</summary>
    public const string StsTokenKey = "namespace.ots.stsToken";
    /// <summary>Optional per-attempt timeout in milliseconds (default 10000).</summary>
    public const string RequestTimeoutKey = "namespace.ots.requestTimeoutMs";
    /// <summary>Optional overall retry deadline in milliseconds (default 10000, as the Java SDK).</summary>
    public const string RetryDeadlineKey = "namespace.ots.retryDeadlineMs";

    public required Uri Endpoint { get; init; }

    public required string InstanceName { get; init; }

    public required string AccessKeyId { get; init; }

    public required string AccessKeySecret { get; init; }

    public string? SecurityToken { get; init; }

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>No retry starts after this much time since the first attempt.</summary>
    public TimeSpan RetryDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most retries of one call (the deadline usually ends them first).</summary>
    public int MaxRetries { get; init; } = 20;

    /// <summary>Check the reply's content MD5, date and <c>authorization</c> signature.</summary>
    public bool ValidateResponses { get; init; } = true;

    /// <summary>Pooled keep-alive connections per endpoint.</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>Reads the <c>namespace.ots.*</c> keys; the error names the key that is missing or bad.</summary>
    public static TableStoreOptions FromSettings(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var endpointText = Required(settings, EndpointKey);
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{EndpointKey} must be an absolute http:// or https:// URL, got '{endpointText}'", nameof(settings));
        }
        var instance = Required(settings, InstanceKey);
        if (!IsValidInstanceName(instance))
        {
            throw new ArgumentException($"{InstanceKey} '{instance}' is not a valid instance name (3-16 letters, digits or '-', starting with a letter, not ending with '-')", nameof(settings));
        }
        var options = new TableStoreOptions
        {
            Endpoint = endpoint,
            InstanceName = instance,
            AccessKeyId = Required(settings, AccessKeyKey),
            AccessKeySecret = Required(settings, AccessSecretKey),
            SecurityToken = settings.TryGetValue(StsTokenKey, out var token) && !string.IsNullOrWhiteSpace(token) ? token.Trim() : null,
        };
        if (settings.TryGetValue(RequestTimeoutKey, out var timeoutText))
        {
            options = options with { RequestTimeout = TimeSpan.FromMilliseconds(PositiveInteger(RequestTimeoutKey, timeoutText)) };
        }
        if (settings.TryGetValue(RetryDeadlineKey, out var deadlineText))
        {
            options = options with { RetryDeadline = TimeSpan.FromMilliseconds(PositiveInteger(RetryDeadlineKey, deadlineText)) };
        }
        return options;
    }

    public static bool IsValidInstanceName(string name) =>
        name.Length is >= 3 and <= 16 && char.IsAsciiLetter(name[0]) && name[^1] != '-' && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Endpoint = ").Append(Endpoint)
            .Append(", InstanceName = ").Append(InstanceName)
            .Append(", AccessKeyId = ").Append(AccessKeyId)
            .Append(", AccessKeySecret = ***")
            .Append(", SecurityToken = ").Append(SecurityToken is null ? "(none)" : "***")
            .Append(", RequestTimeout = ").Append(RequestTimeout)
            .Append(", RetryDeadline = ").Append(RetryDeadline)
            .Append(", MaxRetries = ").Append(MaxRetries)
            .Append(", ValidateResponses = ").Append(ValidateResponses);
        return true;
    }

    private static string Required(IReadOnlyDictionary<string, string> settings, string key)
    {
        if (!settings.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"missing setting {key}", nameof(settings));
        }
        return value.Trim();
    }

    private static int PositiveInteger(string key, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{key} must be a positive integer (milliseconds), got '{text}'");
}
