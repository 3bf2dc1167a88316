using Google.Protobuf;

namespace JindoMeta.Rpc.Server;

/// <summary>How many messages flow each way in a method (the four gRPC kinds; client streaming is not served yet).</summary>
public enum MethodType
{
    Unary,
    ServerStreaming,
    ClientStreaming,
    DuplexStreaming,
}

/// <summary>One routable method: its path and the code that runs a call of it.</summary>
internal abstract class ServerMethod(string path, MethodType type)
{
    public string Path { get; } = path;

    public MethodType Type { get; } = type;

    /// <summary>Runs the call up to (not including) the final status; errors surface as exceptions.</summary>
    public abstract Task InvokeAsync(ServerCallContext context);

    /// <summary>
    /// Waits for a handler, but never past the call's deadline or cancellation: a handler that ignores the token
    /// must not hold the answer hostage. Its late result is dropped and its late exception observed.
    /// </summary>
    protected static async Task<T> WaitForHandlerAsync<T>(Task<T> handler, ServerCallContext context)
    {
        try
        {
            return await handler.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!handler.IsCompleted)
        {
            _ = handler.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    protected static async Task WaitForHandlerAsync(Task handler, ServerCallContext context)
    {
        try
        {
            await handler.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!handler.IsCompleted)
        {
            _ = handler.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }
}

internal sealed class UnaryServerMethod<TRequest, TResponse>(
    string path, MessageParser<TRequest> parser, Func<TRequest, ServerCallContext, ValueTask<TResponse>> handler)
    : ServerMethod(path, MethodType.Unary)
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override async Task InvokeAsync(ServerCallContext context)
    {
        var request = await RequestReader.ReadSingleAsync(
            context.HttpContext.Request.BodyReader, parser, context.Options.MaxReceiveMessageSize, context.CancellationToken).ConfigureAwait(false);
        context.CancellationToken.ThrowIfCancellationRequested();
        var pending = handler(request, context);
        var response = pending.IsCompletedSuccessfully
            ? pending.Result
            : await WaitForHandlerAsync(pending.AsTask(), context).ConfigureAwait(false);
        if (!context.Status.IsOk)
        {
            return;
        }

        if (response is null)
        {
            throw new InvalidOperationException($"The handler of {Path} returned null with status OK.");
        }

        context.WriteMessage(response);
    }
}

internal sealed class ServerStreamingServerMethod<TRequest, TResponse>(
    string path, MessageParser<TRequest> parser, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
    : ServerMethod(path, MethodType.ServerStreaming)
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override async Task InvokeAsync(ServerCallContext context)
    {
        context.EnableConcurrentWrites();
        var request = await RequestReader.ReadSingleAsync(
            context.HttpContext.Request.BodyReader, parser, context.Options.MaxReceiveMessageSize, context.CancellationToken).ConfigureAwait(false);
        context.CancellationToken.ThrowIfCancellationRequested();
        await WaitForHandlerAsync(handler(request, new ServerStreamWriter<TResponse>(context), context), context).ConfigureAwait(false);
    }
}

internal sealed class DuplexStreamingServerMethod<TRequest, TResponse>(
    string path, MessageParser<TRequest> parser,
    Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
    : ServerMethod(path, MethodType.DuplexStreaming)
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public override async Task InvokeAsync(ServerCallContext context)
    {
        context.EnableConcurrentWrites();
        var reader = new RequestStreamReader<TRequest>(context.HttpContext.Request.BodyReader, parser, context);
        await WaitForHandlerAsync(handler(reader, new ServerStreamWriter<TResponse>(context), context), context).ConfigureAwait(false);
    }
}

internal sealed class ServerStreamWriter<T>(ServerCallContext context) : IServerStreamWriter<T>
    where T : IMessage<T>
{
    public Task WriteAsync(T message, CancellationToken cancellationToken = default) =>
        context.WriteStreamMessageAsync(message, cancellationToken);
}
