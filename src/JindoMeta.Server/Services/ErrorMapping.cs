using System.Globalization;
using Grpc.Core;
using JindoMeta.Namespace.Errors;

namespace JindoMeta.Server.Services;

/// <summary>The one place where namespace errors become gRPC statuses plus the `jindo-error-code` trailer.</summary>
public static class ErrorMapping
{
    public const string ErrorCodeTrailer = "jindo-error-code";
    public const string LeaderTrailer = "jindo-leader";

    public static StatusCode StatusOf(ErrorCode code) => code switch
    {
        ErrorCode.FileNotFound or ErrorCode.NamespaceNotFound => StatusCode.NotFound,
        ErrorCode.FileAlreadyExists => StatusCode.AlreadyExists,
        ErrorCode.AccessDenied => StatusCode.PermissionDenied,
        ErrorCode.InvalidPath or ErrorCode.InvalidArgument => StatusCode.InvalidArgument,
        ErrorCode.ParentNotDirectory or ErrorCode.DirectoryNotEmpty or ErrorCode.IsDirectory or ErrorCode.InvalidRename
            or ErrorCode.FileNotUnderConstruction or ErrorCode.ReadOnly or ErrorCode.LeaseConflict => StatusCode.FailedPrecondition,
        ErrorCode.ChecksumMismatch => StatusCode.DataLoss,
        ErrorCode.NotLeader or ErrorCode.Unavailable => StatusCode.Unavailable,
        ErrorCode.OutcomeUnknown => StatusCode.Aborted, // never UNAVAILABLE: the client must not resend it blindly
        _ => StatusCode.Internal,
    };

    public static RpcException ToRpcException(NamespaceError error)
    {
        var trailers = new Metadata { { ErrorCodeTrailer, ((int)error.Code).ToString(CultureInfo.InvariantCulture) } };
        if (error.Leader is { } leader)
        {
            trailers.Add(LeaderTrailer, leader); // the client goes straight there (RetryRule case 1)
        }

        return new RpcException(new Status(StatusOf(error.Code), error.Message), trailers);
    }

    /// <summary>The value, or the error thrown as an RpcException (Grpc.AspNetCore sends it as status + trailers).</summary>
    public static T Unwrap<T>(Result<T> result) => result.IsOk ? result.Value : throw ToRpcException(result.Error!);
}
