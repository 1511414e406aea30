using Hangfire;
using RobustLab.Web.Security;

namespace RobustLab.Web.Hosting;

public static class JobsDashboard
{
    public const string Path = "/hangfire";

    /// <summary>
    /// Hangfire's dashboard at /hangfire over this host's job storage. Access follows the app's security mode
    /// (<see cref="HangfireDashboardAuthorization"/>): signed-in users when authentication is required, else local
    /// requests only. Map it after UseRobustLabSecurity so the user is known.
    /// </summary>
    public static IEndpointConventionBuilder MapJobsDashboard(this IEndpointRouteBuilder app) =>
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [new HangfireDashboardAuthorization()],
            DashboardTitle = "RobustLab jobs",
            AppPath = "/",
        });
}
