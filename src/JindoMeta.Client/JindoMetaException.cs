using Grpc.Core;

namespace JindoMeta.Client;

/// <summary>
/// A namespace call that failed: the gRPC status, JindoMeta's numeric code (from the <c>jindo-error-code</c>
/// trailer; <see cref="JindoErrorCode.None"/> when the server sent none, e.g. a transport failure or deadline) and
/// the server's message, plus the address that gave the final answer.
/// </summary>
public sealed class JindoMetaException : Exception
{
    public JindoMetaException(StatusCode statusCode, JindoErrorCode errorCode, string serverMessage, string? address, Exception? innerException = null)
        : base(Describe(statusCode, errorCode, serverMessage, address), innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ServerMessage = serverMessage;
        Address = address;
    }

    public StatusCode StatusCode { get; }

    public JindoErrorCode ErrorCode { get; }

    /// <summary>The message as the server (or the transport) gave it, without the status and code prefix.</summary>
    public string ServerMessage { get; }

    /// <summary>The host:port of the last server tried, or null when the call never reached one.</summary>
    public string? Address { get; }

    /// <summary>Whether the server refused the call because the path does not exist.</summary>
    public bool IsNotFound => ErrorCode == JindoErrorCode.FileNotFound;

    private static string Describe(StatusCode statusCode, JindoErrorCode errorCode, string serverMessage, string? address)
    {
        var code = errorCode == JindoErrorCode.None ? statusCode.ToString() : $"{statusCode} {(int)errorCode}";
        var at = address is null ? string.Empty : $" (server {address})";
        return $"{serverMessage} [{code}]{at}";
    }
}
