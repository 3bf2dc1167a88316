using Google.Protobuf;
using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace JindoMeta.Rpc.Server;

/// <summary>
/// A service and its handlers, ready to be mapped onto a server. Build it from the protoc-generated
/// <see cref="ProtoServiceDescriptor"/> (method kinds and message types are checked against it, and server
/// reflection can describe it), or from a bare name for services without a .proto.
/// </summary>
public sealed class GrpcServiceDefinition
{
    private readonly List<ServerMethod> _methods = [];

    private GrpcServiceDefinition(string fullName, ProtoServiceDescriptor? descriptor)
    {
        FullName = fullName;
        Descriptor = descriptor;
    }

    /// <summary>The full service name, e.g. "grpc.health.v1.Health".</summary>
    public string FullName { get; }

    public ProtoServiceDescriptor? Descriptor { get; }

    internal IReadOnlyList<ServerMethod> Methods => _methods;

    public static GrpcServiceDefinition FromDescriptor(ProtoServiceDescriptor descriptor) =>
        new(descriptor.FullName, descriptor);

    /// <summary>A service without a descriptor: methods are not checked and reflection does not list it.</summary>
    public static GrpcServiceDefinition Create(string fullServiceName) => new(fullServiceName, null);

    public GrpcServiceDefinition AddUnary<TRequest, TResponse>(
        string methodName, Func<TRequest, ServerCallContext, ValueTask<TResponse>> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        var path = CheckMethod<TRequest, TResponse>(methodName, MethodType.Unary, checkTypes: true);
        _methods.Add(new UnaryServerMethod<TRequest, TResponse>(path, new MessageParser<TRequest>(() => new TRequest()), handler));
        return this;
    }

    public GrpcServiceDefinition AddServerStreaming<TRequest, TResponse>(
        string methodName, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        var path = CheckMethod<TRequest, TResponse>(methodName, MethodType.ServerStreaming, checkTypes: true);
        _methods.Add(new ServerStreamingServerMethod<TRequest, TResponse>(path, new MessageParser<TRequest>(() => new TRequest()), handler));
        return this;
    }

    public GrpcServiceDefinition AddDuplexStreaming<TRequest, TResponse>(
        string methodName, Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse> =>
        AddDuplexStreaming(methodName, handler, checkTypes: true);

    /// <summary>
    /// <paramref name="checkTypes"/> false lets wire-identical messages of another package serve a method
    /// (reflection v1alpha is served by the v1 implementation).
    /// </summary>
    internal GrpcServiceDefinition AddDuplexStreaming<TRequest, TResponse>(
        string methodName, Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler, bool checkTypes)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        var path = CheckMethod<TRequest, TResponse>(methodName, MethodType.DuplexStreaming, checkTypes);
        _methods.Add(new DuplexStreamingServerMethod<TRequest, TResponse>(path, new MessageParser<TRequest>(() => new TRequest()), handler));
        return this;
    }

    private string CheckMethod<TRequest, TResponse>(string methodName, MethodType type, bool checkTypes)
    {
        var path = "/" + FullName + "/" + methodName;
        if (_methods.Exists(m => m.Path == path))
        {
            throw new ArgumentException($"Method {path} is registered twice.", nameof(methodName));
        }

        if (Descriptor is null)
        {
            return path;
        }

        var method = Descriptor.FindMethodByName(methodName)
            ?? throw new ArgumentException($"Service {FullName} has no method '{methodName}' in its descriptor.", nameof(methodName));
        var declared = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            _ => MethodType.DuplexStreaming,
        };
        if (declared != type)
        {
            throw new ArgumentException($"Method {path} is declared {declared} but registered as {type}.", nameof(methodName));
        }

        if (checkTypes && (method.InputType.ClrType != typeof(TRequest) || method.OutputType.ClrType != typeof(TResponse)))
        {
            throw new ArgumentException(
                $"Method {path} takes {method.InputType.FullName} and returns {method.OutputType.FullName}, " +
                $"but the handler uses {typeof(TRequest).Name} and {typeof(TResponse).Name}.", nameof(methodName));
        }

        return path;
    }
}
