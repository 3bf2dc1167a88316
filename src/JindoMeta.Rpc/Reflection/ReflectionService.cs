using Google.Protobuf.Reflection;
using JindoMeta.Protos.Grpc.Reflection.V1;
using JindoMeta.Rpc.Server;
using V1AlphaReflection = JindoMeta.Protos.Grpc.Reflection.V1Alpha.ReflectionReflection;

namespace JindoMeta.Rpc.Reflection;

/// <summary>
/// gRPC server reflection over the registered services' descriptors, so generic tools can list and call them.
/// v1 and v1alpha are wire-identical: one implementation (on the v1 messages) is served under both paths.
/// </summary>
internal sealed class ReflectionService(GrpcServiceRegistry registry)
{
    private const string MethodName = "ServerReflectionInfo";

    public GrpcServiceDefinition CreateV1Definition() =>
        GrpcServiceDefinition.FromDescriptor(ReflectionReflection.Descriptor.Services[0])
            .AddDuplexStreaming<ServerReflectionRequest, ServerReflectionResponse>(MethodName, ServeAsync);

    public GrpcServiceDefinition CreateV1AlphaDefinition() =>
        GrpcServiceDefinition.FromDescriptor(V1AlphaReflection.Descriptor.Services[0])
            .AddDuplexStreaming<ServerReflectionRequest, ServerReflectionResponse>(MethodName, ServeAsync, checkTypes: false);

    private async Task ServeAsync(
        IAsyncStreamReader<ServerReflectionRequest> requests, IServerStreamWriter<ServerReflectionResponse> responses, ServerCallContext context)
    {
        var index = new DescriptorIndex(registry.Services);
        var sentFiles = new HashSet<string>(StringComparer.Ordinal); // dependencies go out once per stream
        while (await requests.MoveNextAsync(context.CancellationToken).ConfigureAwait(false))
        {
            var request = requests.Current;
            var response = Answer(request, index, sentFiles);
            response.ValidHost = request.Host;
            response.OriginalRequest = request;
            await responses.WriteAsync(response, context.CancellationToken).ConfigureAwait(false);
        }
    }

    private static ServerReflectionResponse Answer(ServerReflectionRequest request, DescriptorIndex index, HashSet<string> sentFiles)
    {
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                foreach (var name in index.ServiceNames)
                {
                    list.Service.Add(new ServiceResponse { Name = name });
                }

                return new ServerReflectionResponse { ListServicesResponse = list };

            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                return index.FindFile(request.FileByFilename) is { } file
                    ? Files(file, sentFiles)
                    : Error(StatusCode.NotFound, $"File '{request.FileByFilename}' not found.");

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                return index.FindFileContainingSymbol(request.FileContainingSymbol) is { } owner
                    ? Files(owner, sentFiles)
                    : Error(StatusCode.NotFound, $"Symbol '{request.FileContainingSymbol}' not found.");

            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                // Our protos are proto3 and declare no extensions: a known type has an empty list.
                return index.IsMessageType(request.AllExtensionNumbersOfType)
                    ? new ServerReflectionResponse
                    {
                        AllExtensionNumbersResponse = new ExtensionNumberResponse { BaseTypeName = request.AllExtensionNumbersOfType.TrimStart('.') },
                    }
                    : Error(StatusCode.NotFound, $"Type '{request.AllExtensionNumbersOfType}' not found.");

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                return Error(StatusCode.NotFound, $"Extension {request.FileContainingExtension.ExtensionNumber} of '{request.FileContainingExtension.ContainingType}' not found.");

            default:
                return Error(StatusCode.InvalidArgument, "The reflection request names no query.");
        }
    }

    /// <summary>The file itself, then its transitive imports not yet sent on this stream (as grpc-go does).</summary>
    private static ServerReflectionResponse Files(FileDescriptor file, HashSet<string> sentFiles)
    {
        var files = new FileDescriptorResponse();
        files.FileDescriptorProto.Add(file.SerializedData);
        sentFiles.Add(file.Name);
        AddDependencies(file, files, sentFiles);
        return new ServerReflectionResponse { FileDescriptorResponse = files };
    }

    private static void AddDependencies(FileDescriptor file, FileDescriptorResponse files, HashSet<string> sentFiles)
    {
        foreach (var dependency in file.Dependencies)
        {
            if (sentFiles.Add(dependency.Name))
            {
                files.FileDescriptorProto.Add(dependency.SerializedData);
                AddDependencies(dependency, files, sentFiles);
            }
        }
    }

    private static ServerReflectionResponse Error(StatusCode code, string message) => new()
    {
        ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message },
    };

}
