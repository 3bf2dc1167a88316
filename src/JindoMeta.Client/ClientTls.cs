using System.Net.Security;
using JindoMeta.Tls;

namespace JindoMeta.Client;

/// <summary>TLS towards servers with namespace.security.authentication = tls: whom to trust, and the certificate to
/// prove who we are when the servers require one.</summary>
public sealed record ClientTlsOptions
{
    /// <summary>The CA bundle (PEM) the servers' certificates must be issued by; the system's roots are not used.</summary>
    public required string CaFile { get; init; }

    /// <summary>Our client certificate (PEM), with <see cref="KeyFile"/>; null: none presented.</summary>
    public string? CertificateFile { get; init; }

    public string? KeyFile { get; init; }
}

/// <summary>The loaded material of <see cref="ClientTlsOptions"/>: what every channel's handshake uses.</summary>
internal sealed class ClientTls
{
    private readonly TrustedAuthorities _authorities;
    private readonly ReloadingCertificate? _certificate;

    /// <exception cref="InvalidDataException">A file does not load (one line naming it).</exception>
    public ClientTls(ClientTlsOptions options)
    {
        _authorities = new TrustedAuthorities(options.CaFile);
        if ((options.CertificateFile is null) != (options.KeyFile is null))
        {
            throw new InvalidDataException("a client certificate needs both its certificate file and its key file");
        }

        _certificate = options.CertificateFile is { } file ? new ReloadingCertificate(file, options.KeyFile!) : null;
    }

    /// <summary>Why the last handshake refused a server, for the error the caller sees.</summary>
    public string? LastRefusal { get; private set; }

    public SslClientAuthenticationOptions HandshakeOptions() => new()
    {
        LocalCertificateSelectionCallback = _certificate is null ? null : (_, _, _, _, _) => _certificate.Current,
        RemoteCertificateValidationCallback = (_, server, _, errors) => _authorities.AcceptServer(server, errors, problem => LastRefusal = problem),
    };
}
