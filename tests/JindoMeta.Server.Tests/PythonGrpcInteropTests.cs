using System.Text.Json;
using JindoMeta.Server.Tests.Support;

namespace JindoMeta.Server.Tests;

/// <summary>
/// A second independent gRPC implementation: Debian's python3-grpcio (gRPC C-core) in python/reflection_client.py,
/// which knows no JindoMeta proto and builds every message class from descriptors it fetched by server reflection.
/// </summary>
public sealed class PythonGrpcInteropTests : IDisposable
{
    private const int FileCount = 5000;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Grpc_c_core_driven_by_reflected_descriptors_writes_lists_5000_entries_checks_health_and_reads_error_trailers()
    {
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"));

        var lines = await PeerScript.RunPythonAsync("reflection_client.py", daemon.Address, "test", FileCount.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var result = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        string[] expectedServices =
        [
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
            "jindometa.v1.AdminService", "jindometa.v1.DataService", "jindometa.v1.NamespaceService",
        ];
        Assert.Equal(expectedServices, Strings(result.GetProperty("services")));
        Assert.Equal(expectedServices, Strings(result.GetProperty("servicesV1")));
        Assert.Equal(["grpc/health/v1/health.proto", "jindometa/v1/namespace.proto"], Strings(result.GetProperty("files")));
        Assert.Equal(5, result.GetProperty("unknownSymbol").GetInt32());
        Assert.Contains("ListStatus", Strings(result.GetProperty("methods")));

        Assert.Equal("FILE_TYPE_DIRECTORY", Status(result, "mkdirs").GetProperty("type").GetString());
        var created = Status(result, "create");
        Assert.Equal("root", created.GetProperty("owner").GetString());
        Assert.True(created.GetProperty("under_construction").GetBoolean());
        var info = Status(result, "getFileInfo");
        Assert.Equal(("/py/dir/file.txt", "FILE_TYPE_FILE"), (info.GetProperty("path").GetString(), info.GetProperty("type").GetString()));
        Assert.Equal(created.GetProperty("file_id").GetString(), info.GetProperty("file_id").GetString());

        var notFound = result.GetProperty("notFound");
        Assert.Equal("NOT_FOUND", notFound.GetProperty("code").GetString());
        Assert.Equal("/py/missing: No such file or directory", notFound.GetProperty("details").GetString());
        Assert.Equal("25001", notFound.GetProperty("trailers").GetProperty("jindo-error-code").GetString());

        var listing = result.GetProperty("listing");
        Assert.Equal(FileCount, listing.GetProperty("count").GetInt32());
        Assert.Equal(8, listing.GetProperty("pages").GetInt32()); // 7 × 700 + 100
        Assert.True(listing.GetProperty("matchesCreated").GetBoolean(), $"the listing is not the created names in order: {listing}");
        Assert.Equal("", listing.GetProperty("lastCursor").GetString());

        var health = result.GetProperty("health");
        Assert.Equal("SERVING", health.GetProperty("").GetString());
        Assert.Equal("SERVING", health.GetProperty("jindometa.v1.NamespaceService").GetString());
        Assert.Equal("SERVING", health.GetProperty("jindometa.v1.AdminService").GetString());
        Assert.Equal("NOT_FOUND", result.GetProperty("healthUnknown").GetString());
    }

    private static List<string?> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];

    private static JsonElement Status(JsonElement result, string step) => result.GetProperty(step).GetProperty("status");
}
