using Google.Protobuf.Reflection;
using JindoMeta.Protos.Grpc.Reflection.V1;
using JindoMeta.Rpc.Client;

namespace JindoMeta.Rpc.Tests;

/// <summary>
/// Server reflection through our client: a request stream of one message is what a server-streaming call sends,
/// so each query is one call.
/// </summary>
public sealed class ReflectionServiceTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    public static readonly TheoryData<string> Versions = new() { "v1", "v1alpha" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ListServices_names_every_registered_service(string version)
    {
        var reply = await AskAsync(version, new ServerReflectionRequest { ListServices = "*" });

        var names = reply.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("jindometa.rpc.test.Echo", names);
        Assert.Contains("grpc.health.v1.Health", names);
        Assert.Contains("grpc.reflection.v1.ServerReflection", names);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", names);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task FileContainingSymbol_returns_the_file_and_its_imports_which_build_a_usable_descriptor(string version)
    {
        var reply = await AskAsync(version, new ServerReflectionRequest { FileContainingSymbol = "jindometa.rpc.test.Echo" });

        var files = FileDescriptor.BuildFromByteStrings(reply.FileDescriptorResponse.FileDescriptorProto.Reverse());
        var echo = files.Single(f => f.Name == "echo.proto");
        Assert.Contains(files, f => f.Name == "google/protobuf/timestamp.proto");
        var method = echo.Services.Single().FindMethodByName("Stream");
        Assert.True(method.IsServerStreaming);
        Assert.Equal("jindometa.rpc.test.EchoRequest", method.InputType.FullName);
        Assert.Equal("google.protobuf.Timestamp", method.InputType.FindFieldByName("sent_at").MessageType.FullName);
    }

    [Theory]
    [InlineData("jindometa.rpc.test.Echo.Unary", "echo.proto")]
    [InlineData("jindometa.rpc.test.EchoReply", "echo.proto")]
    [InlineData("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto")]
    [InlineData("google.protobuf.Timestamp", "google/protobuf/timestamp.proto")]
    public async Task Symbols_resolve_to_their_files(string symbol, string file)
    {
        var reply = await AskAsync("v1", new ServerReflectionRequest { FileContainingSymbol = symbol });

        Assert.Equal(file, FileDescriptorProto.Parser.ParseFrom(reply.FileDescriptorResponse.FileDescriptorProto[0]).Name);
    }

    [Fact]
    public async Task FileByFilename_returns_the_named_file()
    {
        var reply = await AskAsync("v1alpha", new ServerReflectionRequest { FileByFilename = "grpc/health/v1/health.proto" });

        Assert.Equal("grpc.health.v1", FileDescriptorProto.Parser.ParseFrom(reply.FileDescriptorResponse.FileDescriptorProto[0]).Package);
    }

    [Fact]
    public async Task Unknown_symbol_and_extension_queries_answer_NOT_FOUND_inside_the_stream()
    {
        var symbol = await AskAsync("v1", new ServerReflectionRequest { FileContainingSymbol = "no.Such" });
        var extension = await AskAsync("v1", new ServerReflectionRequest
        {
            FileContainingExtension = new ExtensionRequest { ContainingType = "jindometa.rpc.test.EchoRequest", ExtensionNumber = 100 },
        });

        Assert.Equal((int)StatusCode.NotFound, symbol.ErrorResponse.ErrorCode);
        Assert.Equal((int)StatusCode.NotFound, extension.ErrorResponse.ErrorCode);
    }

    private async Task<ServerReflectionResponse> AskAsync(string version, ServerReflectionRequest request)
    {
        var method = new GrpcMethod<ServerReflectionRequest, ServerReflectionResponse>(
            $"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo", ServerReflectionResponse.Parser);
        using var call = fixture.Channel.CallServerStreaming(method, request, new CallOptions(Timeout: TimeSpan.FromSeconds(10)));
        var replies = new List<ServerReflectionResponse>();
        await foreach (var reply in call.ReadAllAsync())
        {
            replies.Add(reply);
        }

        var single = Assert.Single(replies);
        Assert.Equal(request, single.OriginalRequest);
        return single;
    }
}
