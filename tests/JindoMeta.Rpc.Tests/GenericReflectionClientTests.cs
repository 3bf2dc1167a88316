using System.Text.Json;

namespace JindoMeta.Rpc.Tests;

/// <summary>
/// A generic tool that knows no service protos (node/reflect.js on grpc-js, grpcurl's approach) lists and calls
/// our services through server reflection alone. grpcurl itself is not packaged in Debian bookworm.
/// </summary>
public sealed class GenericReflectionClientTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    [Theory]
    [InlineData("v1")]
    [InlineData("v1alpha")]
    public async Task Generic_client_lists_describes_and_calls_via_reflection(string version)
    {
        using var result = JsonDocument.Parse(await NodePeer.RunAsync("reflect.js", fixture.Server.Address, version, "jindometa.rpc.test.Echo"));
        var root = result.RootElement;

        var services = root.GetProperty("services").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("jindometa.rpc.test.Echo", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains($"grpc.reflection.{version}.ServerReflection", services);
        Assert.Equal(["Unary", "Stream"], root.GetProperty("methods").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, root.GetProperty("fileCount").GetInt32()); // echo.proto and its import, timestamp.proto
        Assert.Equal("via reflection", root.GetProperty("reply").GetProperty("text").GetString());
        Assert.Equal((int)StatusCode.NotFound, root.GetProperty("missingCode").GetInt32());
    }
}
