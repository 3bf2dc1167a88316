using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using JindoMeta.Tls;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>
/// Mutual TLS between raft peers: each node presents its certificate both as listener and as sender, and accepts only
/// peers whose certificate is issued by a CA in the bundle (a sender also checks that it names the host dialled).
/// A refusal is logged at most every 10 s per direction, since a refused peer reconnects every second.
/// </summary>
public sealed class RaftPeerTls(ReloadingCertificate certificate, TrustedAuthorities authorities, ILogger logger)
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);
    private long _lastIncomingLog = long.MinValue / 2; // far enough back that the first refusal is logged, without overflow
    private long _lastOutgoingLog = long.MinValue / 2;

    public ReloadingCertificate Certificate => certificate;

    /// <summary>The listener's check of a connecting peer's certificate (Kestrel's ClientCertificateValidation).</summary>
    public bool AcceptIncoming(X509Certificate2 peer)
    {
        if (authorities.Problem(peer, asClient: true) is not { } problem)
        {
            return true;
        }

        if (Due(ref _lastIncomingLog))
        {
            RaftTransportLog.PeerCertificateRefused(logger, "incoming", problem);
        }

        return false;
    }

    /// <summary>The sender's TLS options: our certificate, and the check of the peer's.</summary>
    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate.Current,
        RemoteCertificateValidationCallback = (_, peer, _, errors) => authorities.AcceptServer(peer, errors, problem =>
        {
            if (Due(ref _lastOutgoingLog))
            {
                RaftTransportLog.PeerCertificateRefused(logger, "outgoing", problem);
            }
        }),
    };

    private static bool Due(ref long last)
    {
        var now = Environment.TickCount64;
        var previous = Interlocked.Read(ref last);
        return now - previous >= LogInterval.TotalMilliseconds && Interlocked.CompareExchange(ref last, now, previous) == previous;
    }
}
