using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace JindoMeta.Tls;

/// <summary>
/// A certificate and its private key from PEM files, reloaded when either file changes (size or time), so an operator
/// rotates certificates by replacing the files: new connections get the new certificate, open ones keep theirs.
/// A replacement that does not load (half written, key not matching) keeps the last good one until it does.
/// </summary>
public sealed class ReloadingCertificate
{
    /// <summary>How often the files are looked at, at most: a handshake costs one stat pair per interval, not per connection.</summary>
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _certificateFile;
    private readonly string _keyFile;
    private readonly TimeProvider _clock;
    private readonly Lock _reload = new();
    private X509Certificate2 _current;
    private (DateTime, long, DateTime, long) _stamp;
    private long _nextCheck;

    /// <summary>Loads the pair now.</summary>
    /// <exception cref="InvalidDataException">A file is missing, unreadable or not a matching PEM pair (one line, naming the file).</exception>
    public ReloadingCertificate(string certificateFile, string keyFile, TimeProvider? clock = null)
    {
        _certificateFile = certificateFile;
        _keyFile = keyFile;
        _clock = clock ?? TimeProvider.System;
        _stamp = Stamp();
        _current = Load(certificateFile, keyFile);
        _nextCheck = _clock.GetTimestamp() + (long)(CheckInterval.TotalSeconds * _clock.TimestampFrequency);
    }

    /// <summary>Raised (with a one-line reason) when changed files could not be loaded; the previous certificate stays.</summary>
    public event Action<string>? ReloadFailed;

    /// <summary>Raised with the new certificate's subject when a change was loaded.</summary>
    public event Action<X509Certificate2>? Reloaded;

    /// <summary>The certificate to present now (looks at the files at most once per second).</summary>
    public X509Certificate2 Current
    {
        get
        {
            var now = _clock.GetTimestamp();
            if (now >= Volatile.Read(ref _nextCheck))
            {
                CheckFiles(now);
            }

            return Volatile.Read(ref _current);
        }
    }

    public static X509Certificate2 Load(string certificateFile, string keyFile)
    {
        try
        {
            var pair = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            if (!pair.HasPrivateKey)
            {
                throw new InvalidDataException($"{keyFile} holds no private key for {certificateFile}");
            }

            return pair;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The message names the files only: a PEM parser's text never includes key material, but ours need not either.
            throw new InvalidDataException($"cannot load the TLS certificate {certificateFile} with key {keyFile}: {FirstLine(e.Message)}", e);
        }
    }

    private void CheckFiles(long now)
    {
        lock (_reload)
        {
            if (now < _nextCheck)
            {
                return;
            }

            Volatile.Write(ref _nextCheck, now + (long)(CheckInterval.TotalSeconds * _clock.TimestampFrequency));
            var stamp = Stamp();
            if (stamp == _stamp)
            {
                return;
            }

            try
            {
                var loaded = Load(_certificateFile, _keyFile);
                _stamp = stamp;
                Volatile.Write(ref _current, loaded); // the old one is left to the GC: connections made with it may still use it
                Reloaded?.Invoke(loaded);
            }
            catch (InvalidDataException e)
            {
                // A pair replaced one file at a time passes through a mismatched state: keep trying, report each change once.
                _stamp = stamp;
                ReloadFailed?.Invoke(e.Message);
            }
        }
    }

    private (DateTime, long, DateTime, long) Stamp()
    {
        var certificate = new FileInfo(_certificateFile);
        var key = new FileInfo(_keyFile);
        return (certificate.Exists ? certificate.LastWriteTimeUtc : default, certificate.Exists ? certificate.Length : -1,
            key.Exists ? key.LastWriteTimeUtc : default, key.Exists ? key.Length : -1);
    }

    internal static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
