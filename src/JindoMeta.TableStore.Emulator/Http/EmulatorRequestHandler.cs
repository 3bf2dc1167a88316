using Google.Protobuf;
using JindoMeta.TableStore.Emulator.Engine;
using JindoMeta.TableStore.Signing;
using Microsoft.AspNetCore.Http;

namespace JindoMeta.TableStore.Emulator.Http;

/// <summary>
/// The HTTP edge: method and size checks, credentials, date, content MD5 and the V2 signature over every received
/// <c>x-ots-*</c> header; fault injection; then the engine; every reply (errors included) carries request id, date,
/// MD5, content type and a signed <c>authorization</c>, as the service's do.
/// </summary>
internal sealed class EmulatorRequestHandler
{
    private const int MaxBodyBytes = 5 * 1024 * 1024;

    private readonly EmulatorEngine _engine;
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _faultRandom;
    private long _requestSequence;
    private long _faultsInjected;

    public EmulatorRequestHandler(EmulatorEngine engine, EmulatorOptions options)
    {
        _engine = engine;
        _options = options;
        _time = options.TimeProvider;
        Faults = options.Faults;
        _faultRandom = new Random(options.Faults.Seed);
    }

    /// <summary>Current fault settings; tests change them while the emulator runs.</summary>
    public FaultOptions Faults { get; set; }

    public long RequestsHandled => Interlocked.Read(ref _requestSequence);

    /// <summary>Requests answered with an injected fault (busy, timeout, dropped connection) so far.</summary>
    public long FaultsInjected => Interlocked.Read(ref _faultsInjected);

    public async Task HandleAsync(HttpContext context)
    {
        var requestId = $"0006{Interlocked.Increment(ref _requestSequence):x12}-emul-ator0-{Environment.ProcessId:x8}";
        var operation = context.Request.Path.Value is { Length: > 1 } path ? path[1..] : string.Empty;
        try
        {
            if (!HttpMethods.IsPost(context.Request.Method))
            {
                throw new OtsError(TableStoreErrorCodes.MethodNotAllowed, "Only POST method is supported.");
            }
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            Authenticate(context.Request, operation, body);
            if (await InjectFaultAsync(context).ConfigureAwait(false))
            {
                return;
            }
            if (!EmulatorEngine.IsKnownOperation(operation))
            {
                throw new OtsError(OtsError.UnsupportedOperation, $"Unsupported operation: '{operation}'.");
            }
            var reply = _engine.Execute(operation, body);
            await WriteReplyAsync(context, operation, requestId, 200, reply).ConfigureAwait(false);
        }
        catch (OtsError e)
        {
            var error = new Protocol.Error { Code = e.Code, Message = e.Message }.ToByteArray();
            await WriteReplyAsync(context, operation, requestId, e.HttpStatus, error).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // The client sent a broken request or stopped sending its body (it gave up, or its connection dropped):
            // answered as bad input, and not logged as an emulator failure.
            var error = new Protocol.Error { Code = TableStoreErrorCodes.ParameterInvalid, Message = e.Message }.ToByteArray();
            await WriteReplyAsync(context, operation, requestId, 400, error).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A bug in the emulator: answer like the service's internal error instead of dropping the connection.
            await Console.Error.WriteLineAsync($"tablestore-emulator: internal error in {operation} (request {requestId}): {e}").ConfigureAwait(false);
            var error = new Protocol.Error { Code = TableStoreErrorCodes.InternalServerError, Message = "Internal server error: " + e.GetType().Name }.ToByteArray();
            await WriteReplyAsync(context, operation, requestId, 500, error).ConfigureAwait(false);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var declared = context.Request.ContentLength;
        if (declared > MaxBodyBytes)
        {
            throw new OtsError(TableStoreErrorCodes.RequestBodyTooLarge, "The size of POST data is too large.");
        }
        using var buffer = new MemoryStream(declared is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new OtsError(TableStoreErrorCodes.RequestBodyTooLarge, "The size of POST data is too large.");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private void Authenticate(HttpRequest request, string operation, byte[] body)
    {
        string Required(string name) =>
            request.Headers.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString())
                ? value.ToString()
                : throw OtsError.Invalid($"Missing header: '{name}'.");

        var keyId = Required("x-ots-accesskeyid");
        var instance = Required("x-ots-instancename");
        var dateText = Required("x-ots-date");
        var md5 = Required("x-ots-contentmd5");
        var signature = Required("x-ots-signature");
        if (Required("x-ots-apiversion") != OtsSignature.ApiVersion)
        {
            throw OtsError.Invalid($"Unsupported API version: '{request.Headers["x-ots-apiversion"]}'.");
        }
        if (keyId != _options.AccessKeyId)
        {
            throw new OtsError(TableStoreErrorCodes.AuthFailed, "The AccessKeyID does not exist.");
        }
        if (!OtsSignature.TryParseDate(dateText, out var date))
        {
            throw OtsError.Invalid($"Invalid date format: '{dateText}'.");
        }
        var skew = (date - _time.GetUtcNow()).Duration();
        if (skew > _options.MaxClockSkew)
        {
            throw new OtsError(TableStoreErrorCodes.AuthFailed, $"Mismatch between system time and x-ots-date: {OtsSignature.FormatRequestDate(_time.GetUtcNow())}, {dateText}.");
        }
        if (md5 != OtsSignature.ContentMd5(body))
        {
            throw new OtsError(TableStoreErrorCodes.AuthFailed, "Mismatch between MD5 value of request body and x-ots-contentmd5 in header.");
        }
        var headers = request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()));
        var expected = OtsSignature.Sign(_options.AccessKeySecret, OtsSignature.RequestStringToSign("/" + operation, headers));
        if (!OtsSignature.SignaturesEqual(expected, signature))
        {
            throw new OtsError(TableStoreErrorCodes.AuthFailed, "Signature mismatch.");
        }
        // Checked after the signature so a wrong secret cannot probe instance names.
        if (instance != _options.InstanceName)
        {
            throw new OtsError(TableStoreErrorCodes.AuthFailed, $"The instance '{instance}' does not exist.");
        }
    }

    /// <summary>Applies latency, and answers busy/timeout or drops the connection before the request runs.</summary>
    private async Task<bool> InjectFaultAsync(HttpContext context)
    {
        var faults = Faults;
        if (faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(faults.Latency, _time, context.RequestAborted).ConfigureAwait(false);
        }
        double roll;
        lock (_faultRandom)
        {
            roll = _faultRandom.NextDouble();
        }
        if (roll < faults.DropConnectionRate + faults.ServerBusyRate + faults.TimeoutRate)
        {
            Interlocked.Increment(ref _faultsInjected);
        }

        if (roll < faults.DropConnectionRate)
        {
            context.Abort();
            return true;
        }
        roll -= faults.DropConnectionRate;
        if (roll < faults.ServerBusyRate)
        {
            throw new OtsError(TableStoreErrorCodes.ServerBusy, "Server is busy.");
        }
        roll -= faults.ServerBusyRate;
        if (roll < faults.TimeoutRate)
        {
            throw new OtsError(TableStoreErrorCodes.Timeout, "Operation timeout.");
        }
        return false;
    }

    private async Task WriteReplyAsync(HttpContext context, string operation, string requestId, int status, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = status;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("x-ots-requestid", requestId),
            new("x-ots-date", OtsSignature.FormatResponseDate(_time.GetUtcNow())),
            new("x-ots-contentmd5", OtsSignature.ContentMd5(body)),
            new("x-ots-contenttype", "protocol buffer"),
        };
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }
        var signature = OtsSignature.Sign(_options.AccessKeySecret, OtsSignature.ResponseStringToSign(operation, headers));
        response.Headers["authorization"] = $"OTS {_options.AccessKeyId}:{signature}";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
