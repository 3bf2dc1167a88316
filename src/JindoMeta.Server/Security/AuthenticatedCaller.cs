using JindoMeta.Namespace.Security;

namespace JindoMeta.Server.Security;

/// <summary>How the server knows who the caller is (Hadoop's names, as they appear in an audit line's ugi).</summary>
public enum AuthenticationMethod
{
    /// <summary>The user name the call carries in <c>x-jindo-user</c>, believed as sent.</summary>
    Simple,

    /// <summary>The user named by the TLS client certificate the connection presented.</summary>
    Certificate,
}

/// <summary>
/// A call's caller: the identity permissions are checked against, and when a proxy user acts for someone else, the
/// real (authenticated) user it acts through.
/// </summary>
/// <param name="Identity">The effective user and groups.</param>
/// <param name="RealUser">The authenticated user a proxy call came from; null when the caller acts for itself.</param>
/// <param name="Method">How the authenticated user was established.</param>
/// <param name="RemoteAddress">The client's IP address, as text ("127.0.0.1"); empty when the transport does not tell.</param>
public sealed record AuthenticatedCaller(CallerIdentity Identity, string? RealUser, AuthenticationMethod Method, string RemoteAddress)
{
    /// <summary>Hadoop's UserGroupInformation text: "alice (auth:SIMPLE)", or "root (auth:PROXY) via gw (auth:CERTIFICATE)".</summary>
    public string Ugi => RealUser is null
        ? $"{Identity.User} (auth:{MethodName})"
        : $"{Identity.User} (auth:PROXY) via {RealUser} (auth:{MethodName})";

    private string MethodName => Method == AuthenticationMethod.Simple ? "SIMPLE" : "CERTIFICATE";
}
