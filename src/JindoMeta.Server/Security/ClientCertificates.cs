using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using JindoMeta.Tls;

namespace JindoMeta.Server.Security;

/// <summary>Which part of a client certificate names the user (<see cref="Configuration.ConfigKeys.TlsUserFrom"/>).</summary>
public enum CertificateUserSource
{
    CommonName,
    EmailLocalPart,
}

/// <summary>
/// Client-certificate authentication: whether a connection's certificate is issued by our CA and valid now, and the
/// user it names. A connection presents one certificate for all its calls, so each verdict is kept with it for a
/// while rather than building the chain per call.
/// </summary>
public sealed class ClientCertificates(TrustedAuthorities authorities, CertificateUserSource userSource, TimeProvider clock)
{
    /// <summary>A verdict is reconsidered after this long, so a certificate that expires while its connection stays open stops working.</summary>
    private static readonly TimeSpan VerdictLifetime = TimeSpan.FromMinutes(1);

    private readonly ConditionalWeakTable<X509Certificate2, Verdict> _verdicts = [];

    /// <summary>The user the connection's certificate names, or why the connection is refused.</summary>
    public (string? User, string? Problem) Check(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return (null, "no client certificate was presented, and this server requires one (namespace.security.tls.client-auth = required): " +
                "give the client a certificate issued by the cluster's CA");
        }

        var now = clock.GetUtcNow();
        if (_verdicts.TryGetValue(certificate, out var kept) && kept.Until > now)
        {
            return (kept.User, kept.Problem);
        }

        var problem = authorities.Problem(certificate, asClient: true);
        var user = problem is null ? UserOf(certificate) : null;
        if (problem is null && user is null)
        {
            problem = userSource == CertificateUserSource.CommonName
                ? $"the client certificate {certificate.Subject} has no usable common name (CN) to name the user"
                : $"the client certificate {certificate.Subject} has no e-mail subject alternative name to name the user";
        }

        _verdicts.AddOrUpdate(certificate, new Verdict(user, problem, now + VerdictLifetime));
        return (user, problem);
    }

    private string? UserOf(X509Certificate2 certificate)
    {
        var name = userSource == CertificateUserSource.CommonName
            ? certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)
            : certificate.GetNameInfo(X509NameType.EmailName, forIssuer: false) is { Length: > 0 } email && email.IndexOf('@') is var at and > 0 ? email[..at] : null;
        // The name travels into permission checks and audit lines: the same rule as a user name in x-jindo-user.
        return name is { Length: > 0 } && name.All(c => c is >= (char)0x21 and <= (char)0x7E) ? name : null;
    }

    private sealed record Verdict(string? User, string? Problem, DateTimeOffset Until);
}
