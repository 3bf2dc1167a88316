using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace JindoMeta.Tls;

/// <summary>
/// The certificate authorities a peer's certificate must chain to (a PEM bundle; the system's roots are not trusted),
/// and why a certificate fails, in one line an operator can act on.
/// </summary>
public sealed class TrustedAuthorities
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private readonly X509Certificate2Collection _roots;

    /// <exception cref="InvalidDataException">The bundle is missing, unreadable or holds no certificate.</exception>
    public TrustedAuthorities(string bundleFile)
    {
        File = bundleFile;
        _roots = [];
        try
        {
            _roots.ImportFromPemFile(bundleFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read the CA bundle {bundleFile}: {ReloadingCertificate.FirstLine(e.Message)}", e);
        }

        if (_roots.Count == 0)
        {
            throw new InvalidDataException($"the CA bundle {bundleFile} holds no PEM certificate");
        }
    }

    /// <summary>The bundle file, for messages.</summary>
    public string File { get; }

    /// <summary>Null when <paramref name="certificate"/> chains to one of our authorities, is valid now and may be used
    /// for the given purpose; else why not ("expired on ...", "not issued by a CA in ...").</summary>
    public string? Problem(X509Certificate2 certificate, bool asClient)
    {
        var now = DateTime.UtcNow;
        if (certificate.NotAfter.ToUniversalTime() < now)
        {
            return $"the certificate {certificate.Subject} expired on {certificate.NotAfter.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)}";
        }

        if (certificate.NotBefore.ToUniversalTime() > now)
        {
            return $"the certificate {certificate.Subject} is not valid before {certificate.NotBefore.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)}";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // no CRL/OCSP infrastructure is assumed
        chain.ChainPolicy.ApplicationPolicy.Add(asClient ? ClientAuthentication : ServerAuthentication);
        if (chain.Build(certificate))
        {
            return null;
        }

        var status = chain.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (a, b) => a | b);
        if ((status & X509ChainStatusFlags.NotValidForUsage) != 0)
        {
            return $"the certificate {certificate.Subject} is not for {(asClient ? "client" : "server")} authentication (its extended key usage)";
        }

        return $"the certificate {certificate.Subject} is not issued by a CA in {File}";
    }

    /// <summary>
    /// A client's check of a server: chains to our authorities and names the host dialled. For
    /// <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>; the refusal goes to <paramref name="refused"/>.
    /// </summary>
    public bool AcceptServer(X509Certificate? certificate, SslPolicyErrors errors, Action<string>? refused = null)
    {
        string? problem;
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            problem = "the server presented no certificate";
        }
        else if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            problem = $"the server certificate {certificate.Subject} does not name the host dialled (its subject alternative names)";
        }
        else
        {
            problem = Problem(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), asClient: false);
        }

        if (problem is not null)
        {
            refused?.Invoke(problem);
        }

        return problem is null;
    }
}
