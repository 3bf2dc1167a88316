using JindoMeta.Server.Tests.Support.Http2;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Support;

/// <summary>
/// One daemon shared by the tests of a class (<c>IClassFixture&lt;DaemonFixture&gt;</c>), for tests that do not
/// disturb each other. A subclass passes extra `-D key=value` settings for a differently configured daemon.
/// </summary>
public class DaemonFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly string[] _settings;
    private int _errorEntriesSeen;

    public DaemonFixture()
        : this([])
    {
    }

    protected DaemonFixture(params string[] settings)
    {
        _settings = settings.SelectMany(setting => new[] { "-D", setting }).ToArray();
    }

    public DaemonProcess Daemon { get; private set; } = null!;

    /// <summary>A Grpc.Net.Client channel to the daemon, as user root (the superuser).</summary>
    public RawClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Daemon = await DaemonProcess.StartAsync(_temp.Sub("data"), _settings);
        Client = new RawClient(Daemon.Address);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Daemon.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>Called as each test's class is constructed: errors logged before belong to earlier tests.</summary>
    public DaemonFixture BeginTest()
    {
        _errorEntriesSeen = Daemon.ErrorLogEntries().Count;
        return this;
    }

    public Task<RawHttp2Connection> OpenRawAsync(bool handshake = true) => RawHttp2Connection.OpenAsync(Daemon.Port, handshake);

    /// <summary>
    /// What every misbehaving-client test ends with: the process is alive, a normal call through Grpc.Net.Client
    /// succeeds, and nothing was logged at error level since <see cref="BeginTest"/> (tests of a class run one at a time).
    /// </summary>
    public async Task AssertStillServingAsync()
    {
        Assert.False(Daemon.HasExited, $"the daemon exited:\n{Daemon.Output}");
        var root = await Client.GetFileInfoAsync("/");
        Assert.Equal(Proto.FileType.Directory, root.Status.Type);
        var errors = Daemon.ErrorLogEntries();
        var fresh = errors.Skip(_errorEntriesSeen).ToList();
        Assert.True(fresh.Count == 0, $"the daemon logged {fresh.Count} error(s) for one client's input:\n{string.Join("\n", fresh)}");
    }
}
