using Hangfire.Dashboard;

namespace RobustLab.Web.Security;

/// <summary>
/// For <c>DashboardOptions.Authorization</c> wherever /hangfire is mapped:
/// <c>new DashboardOptions { Authorization = [new HangfireDashboardAuthorization()] }</c>. When authentication is
/// required it lets in authenticated users only (cookie or API token); otherwise it behaves like Hangfire's default
/// LocalRequestsOnlyAuthorizationFilter. Map the dashboard after UseRobustLabSecurity so that the user is known;
/// before it, every request counts as anonymous and is refused when authentication is required.
/// </summary>
public sealed class HangfireDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => Authorize(context.GetHttpContext());

    public static bool Authorize(HttpContext http)
    {
        var mode = http.RequestServices.GetService<SecurityMode>();
        // Without AddRobustLabSecurity nothing says whether authentication is required: be strict.
        if (mode is null || mode.RequireAuthentication)
            return http.User.Identity?.IsAuthenticated == true;
        return IsLocal(http.Connection);
    }

    /// <summary>Hangfire's rule: an unknown peer is not local; loopback is; so is a peer that is this machine's own address.</summary>
    static bool IsLocal(ConnectionInfo connection)
    {
        var remote = connection.RemoteIpAddress;
        if (remote is null) return false;
        return BindAddresses.IsLoopback(remote) || remote.Equals(connection.LocalIpAddress);
    }
}
