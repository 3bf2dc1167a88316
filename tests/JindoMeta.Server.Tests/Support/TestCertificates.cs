using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace JindoMeta.Server.Tests.Support;

/// <summary>
/// A throwaway PKI for TLS tests, written as PEM files: a CA, certificates it issues (servers name 127.0.0.1-3 and
/// localhost; users carry CN=name), and certificates from a second CA nobody trusts.
/// </summary>
public sealed class TestCertificates
{
    private readonly string _directory;
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _otherCa;

    public TestCertificates(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        _ca = NewAuthority("JindoMeta Test CA");
        _otherCa = NewAuthority("Somebody Else's CA");
        CaFile = Path.Combine(directory, "ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
        BothCasFile = Path.Combine(directory, "both-cas.pem");
        File.WriteAllText(BothCasFile, _ca.ExportCertificatePem() + "\n" + _otherCa.ExportCertificatePem());
    }

    /// <summary>A bundle of both CAs: a client that must reach a server whose certificate the other CA issued.</summary>
    public string BothCasFile { get; }

    /// <summary>The trusted CA's certificate (the bundle servers and clients are configured with).</summary>
    public string CaFile { get; }

    /// <summary>A server (and raft peer) certificate for 127.0.0.1-3: both server and client authentication.</summary>
    public (string Certificate, string Key) Server(string name = "server", bool untrusted = false) =>
        Issue(name, untrusted ? _otherCa : _ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), server: true);

    /// <summary>A user's client certificate, CN=<paramref name="user"/>.</summary>
    public (string Certificate, string Key) User(string user, bool expired = false, bool untrusted = false, string? fileName = null, string? email = null) =>
        Issue(fileName ?? user, untrusted ? _otherCa : _ca,
            expired ? DateTimeOffset.UtcNow.AddDays(-10) : DateTimeOffset.UtcNow.AddDays(-1),
            expired ? DateTimeOffset.UtcNow.AddDays(-2) : DateTimeOffset.UtcNow.AddDays(30), server: false, commonName: user, email: email);

    /// <summary>The text of a private key file, to scan logs and output for.</summary>
    public static string KeyBody(string keyFile) =>
        string.Concat(File.ReadAllLines(keyFile).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));

    private static X509Certificate2 NewAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(1));
    }

    private (string Certificate, string Key) Issue(string name, X509Certificate2 issuer, DateTimeOffset notBefore, DateTimeOffset notAfter, bool server, string? commonName = null, string? email = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName ?? name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") };
        if (server)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            foreach (var host in new[] { "127.0.0.1", "127.0.0.2", "127.0.0.3" })
            {
                names.AddIpAddress(IPAddress.Parse(host));
            }

            request.CertificateExtensions.Add(names.Build());
        }

        if (email is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddEmailAddress(email);
            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var certificate = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notAfter, serial);
        var certificateFile = Path.Combine(_directory, $"{name}.pem");
        var keyFile = Path.Combine(_directory, $"{name}-key.pem");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile);
    }
}
