using Grpc.Core;
using JindoMeta.Namespace.Security;
using JindoMeta.Server.Security;

namespace JindoMeta.Server.Services;

/// <summary>The one place a call's user is decided: the `x-jindo-user` header (Hadoop simple auth), groups resolved here.</summary>
public static class CallerIdentification
{
    public const string UserHeader = "x-jindo-user";

    public static CallerIdentity Identify(ServerCallContext context, GroupResolver groups)
    {
        string? user;
        try
        {
            user = context.RequestHeaders.GetValue(UserHeader);
        }
        catch (FormatException)
        {
            // Grpc.AspNetCore decodes the request's -bin headers on first access.
            throw new RpcException(new Status(StatusCode.Internal, "A binary metadata header (-bin) of the call is not valid base64"));
        }

        if (string.IsNullOrWhiteSpace(user))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                $"The call carries no user name: set the '{UserHeader}' metadata header (Hadoop simple auth)"));
        }

        return groups.Resolve(user);
    }
}
