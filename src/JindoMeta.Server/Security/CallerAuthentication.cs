using Grpc.Core;

namespace JindoMeta.Server.Security;

/// <summary>
/// The one place a call's user is decided. Simple authentication (Hadoop's default): the `x-jindo-user` header as
/// sent, groups resolved here.
/// </summary>
public sealed class CallerAuthentication(GroupResolver groups)
{
    public const string UserHeader = "x-jindo-user";

    public AuthenticatedCaller Authenticate(ServerCallContext context)
    {
        var user = ClaimedUser(context);
        if (string.IsNullOrWhiteSpace(user))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                $"The call carries no user name: set the '{UserHeader}' metadata header (Hadoop simple auth)"));
        }

        return new AuthenticatedCaller(groups.Resolve(user), null, AuthenticationMethod.Simple, RemoteAddressOf(context));
    }

    private static string? ClaimedUser(ServerCallContext context)
    {
        try
        {
            return context.RequestHeaders.GetValue(UserHeader);
        }
        catch (FormatException)
        {
            // Grpc.AspNetCore decodes the request's -bin headers on first access.
            throw new RpcException(new Status(StatusCode.Internal, "A binary metadata header (-bin) of the call is not valid base64"));
        }
    }

    private static string RemoteAddressOf(ServerCallContext context) =>
        context.GetHttpContext().Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : "";
}
