using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace JindoMeta.Rpc.Client;

/// <summary>What a client needs to call one method: its path and how to parse its responses.</summary>
public sealed class GrpcMethod<TRequest, TResponse>
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public GrpcMethod(string path, MessageParser<TResponse> responseParser)
    {
        if (!path.StartsWith('/') || path.IndexOf('/', 1) < 0)
        {
            throw new ArgumentException($"Method path '{path}' must look like /package.Service/Method.", nameof(path));
        }

        Path = path;
        ResponseParser = responseParser;
    }

    /// <summary>"/package.Service/Method".</summary>
    public string Path { get; }

    public MessageParser<TResponse> ResponseParser { get; }

    public static GrpcMethod<TRequest, TResponse> FromDescriptor(MethodDescriptor method, MessageParser<TResponse> responseParser) =>
        new("/" + method.Service.FullName + "/" + method.Name, responseParser);
}
