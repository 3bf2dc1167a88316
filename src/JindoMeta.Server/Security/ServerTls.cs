using JindoMeta.Server.Configuration;
using JindoMeta.Tls;

namespace JindoMeta.Server.Security;

/// <summary>The loaded TLS material of a server: its certificate (reloaded when the files change), the CA bundle, and
/// client-certificate authentication when it is required.</summary>
public sealed class ServerTls
{
    private ServerTls(ReloadingCertificate certificate, TrustedAuthorities? authorities, ClientCertificates? clients)
    {
        Certificate = certificate;
        Authorities = authorities;
        Clients = clients;
    }

    public ReloadingCertificate Certificate { get; }

    /// <summary>The CA bundle; null when neither client certificates nor raft peers are checked.</summary>
    public TrustedAuthorities? Authorities { get; }

    /// <summary>Client-certificate authentication; null with client-auth = none.</summary>
    public ClientCertificates? Clients { get; }

    /// <exception cref="InvalidDataException">A file does not load (one line naming it).</exception>
    public static ServerTls Load(TlsSettings settings, Serilog.ILogger logger)
    {
        var certificate = new ReloadingCertificate(settings.CertificateFile, settings.KeyFile);
        certificate.Reloaded += loaded => logger.Information("TLS certificate reloaded from {File}: {Subject}, valid until {NotAfter:u}",
            settings.CertificateFile, loaded.Subject, loaded.NotAfter.ToUniversalTime());
        certificate.ReloadFailed += reason => logger.Warning("TLS certificate files changed but do not load; still presenting the previous one: {Reason}", reason);
        var authorities = settings.CaFile is { } ca ? new TrustedAuthorities(ca) : null;
        var clients = settings.ClientCertificateRequired && authorities is not null
            ? new ClientCertificates(authorities, settings.UserFrom, TimeProvider.System)
            : null;
        return new ServerTls(certificate, authorities, clients);
    }
}
