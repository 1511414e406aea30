using System.Net;
using System.Security.Claims;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RobustLab.Web.Security;

namespace RobustLab.Tests.Security;

public class HangfireDashboardAuthorizationTests
{
    static HttpContext Request(bool requireAuthentication, IPAddress? remote, bool authenticated = false)
    {
        var services = new ServiceCollection()
            .AddSingleton(new SecurityMode(requireAuthentication, [BindAddresses.Default], !requireAuthentication, null))
            .BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Connection.RemoteIpAddress = remote;
        context.Connection.LocalIpAddress = IPAddress.Parse("192.168.1.10");
        if (authenticated)
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "test"));
        return context;
    }

    static bool Authorize(HttpContext http) =>
        new HangfireDashboardAuthorization().Authorize(new AspNetCoreDashboardContext(new NoStorage(), new DashboardOptions(), http));

    [Fact]
    public void Open_mode_allows_local_requests_only_like_Hangfires_default()
    {
        Assert.True(Authorize(Request(false, IPAddress.Loopback)));
        Assert.True(Authorize(Request(false, IPAddress.IPv6Loopback)));
        Assert.True(Authorize(Request(false, IPAddress.Parse("192.168.1.10")))); // this machine's own address
        Assert.False(Authorize(Request(false, IPAddress.Parse("192.168.1.50"))));
        Assert.False(Authorize(Request(false, null)));
    }

    [Fact]
    public void With_authentication_required_only_authenticated_users_get_in()
    {
        Assert.False(Authorize(Request(true, IPAddress.Loopback)));
        Assert.True(Authorize(Request(true, IPAddress.Parse("192.168.1.50"), authenticated: true)));
    }

    [Fact]
    public void Without_AddRobustLabSecurity_the_filter_is_strict()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        Assert.False(HangfireDashboardAuthorization.Authorize(context));
    }

    sealed class NoStorage : JobStorage
    {
        public override IMonitoringApi GetMonitoringApi() => throw new NotSupportedException();
        public override IStorageConnection GetConnection() => throw new NotSupportedException();
    }
}
