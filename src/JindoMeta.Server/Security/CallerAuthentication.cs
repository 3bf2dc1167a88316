using System.Net;
using Grpc.Core;

namespace JindoMeta.Server.Security;

/// <summary>
/// The one place a call's user is decided. Simple authentication (Hadoop's default): the `x-jindo-user` header as
/// sent. With client certificates: the user the connection's certificate names; a different `x-jindo-user` is a
/// request to act for that user, allowed only by the proxy-user rules. Groups are resolved here.
/// </summary>
public sealed class CallerAuthentication(GroupResolver groups, ClientCertificates? certificates = null, ProxyUsers? proxies = null)
{
    public const string UserHeader = "x-jindo-user";

    /// <summary>Whether callers prove who they are with a client certificate.</summary>
    public bool UsesCertificates => certificates is not null;

    public AuthenticatedCaller Authenticate(ServerCallContext context)
    {
        var claimed = ClaimedUser(context);
        var http = context.GetHttpContext();
        var remote = RemoteAddressOf(http.Connection.RemoteIpAddress);
        if (certificates is null)
        {
            if (string.IsNullOrWhiteSpace(claimed))
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated,
                    $"The call carries no user name: set the '{UserHeader}' metadata header (Hadoop simple auth)"));
            }

            return new AuthenticatedCaller(groups.Resolve(claimed), null, AuthenticationMethod.Simple, remote?.ToString() ?? "");
        }

        var (user, problem) = certificates.Check(http.Connection.ClientCertificate);
        if (user is null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, problem ?? "the client certificate names no user"));
        }

        if (string.IsNullOrWhiteSpace(claimed) || claimed == user)
        {
            return new AuthenticatedCaller(groups.Resolve(user), null, AuthenticationMethod.Certificate, remote?.ToString() ?? "");
        }

        var effective = groups.Resolve(claimed);
        if ((proxies ?? ProxyUsers.None).Refusal(user, effective, remote) is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, refusal));
        }

        return new AuthenticatedCaller(effective, user, AuthenticationMethod.Certificate, remote?.ToString() ?? "");
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

    private static IPAddress? RemoteAddressOf(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
