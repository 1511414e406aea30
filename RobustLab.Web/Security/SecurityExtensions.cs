using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace RobustLab.Web.Security;

/// <summary>
/// Access control for the web app (accounts and tokens, allowed hosts, cross-site requests, login limits, security
/// headers), in two calls from Program.cs:
/// <code>
/// builder.AddRobustLabSecurity();   // after AddRobustLabHosting
/// var app = builder.Build();
/// app.UseRobustLabSecurity();       // first, before static files, the dashboard, the API and /hangfire
/// </code>
/// Whether authentication is required is decided from the final configuration when the app starts (see
/// <see cref="SecurityMode"/>), so the order of configuration sources and UseUrls calls does not matter.
/// </summary>
public static class SecurityExtensions
{
    /// <summary>The default scheme: "Authorization: Bearer" goes to API tokens, anything else to the login cookie.</summary>
    public const string Scheme = "RobustLab";
    public const string CookieName = "robustlab.auth";
    public const string AntiforgeryCookieName = "robustlab.antiforgery";

    public static WebApplicationBuilder AddRobustLabSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        // From configuration directly, not IOptions: resolving the mode must not run the validation, which belongs to
        // the start of the host (ValidateOnStart) where a refusal is reported as the app failing to start.
        services.AddSingleton(sp => SecurityMode.Resolve(sp.GetRequiredService<IConfiguration>()));

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token or login cookie", o =>
                o.ForwardDefaultSelector = context => context.Request.Headers.Authorization.Count > 0
                    ? ApiTokenAuthenticationHandler.Scheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.Scheme, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                // Lax: the cookie is not sent on cross-site POSTs, which is what keeps /api's cookie-authenticated
                // POSTs (cancel, retry) safe from other sites without an antiforgery token on every API call.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.AccessDeniedPath = "/login";
                o.Events.OnRedirectToLogin = context => ApiOr(context.Request, StatusCodes.Status401Unauthorized, () => context.Response.Redirect(context.RedirectUri));
                o.Events.OnRedirectToAccessDenied = context => ApiOr(context.Request, StatusCodes.Status403Forbidden, () => context.Response.Redirect(context.RedirectUri));
            });

        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<SecurityMode>((o, mode) =>
        {
            if (!mode.RequireAuthentication) return;
            // Applies to endpoints without their own metadata and to middleware after UseAuthorization (/hangfire,
            // static files), so nothing new is left open by accident.
            o.FallbackPolicy = new AuthorizationPolicyBuilder()
                .RequireAssertion(c => c.User.Identity?.IsAuthenticated == true || c.Resource is HttpContext http && PublicPaths.IsPublic(http.Request.Path))
                .Build();
        });

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookieName;
            o.SuppressXFrameOptionsHeader = true; // SecureHeaders sends DENY; antiforgery would send SAMEORIGIN first
        });
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        HostAllowList.Configure(services);
        LoginRateLimits.AddLoginRateLimits(services);
        return builder;
    }

    public static WebApplication UseRobustLabSecurity(this WebApplication app)
    {
        var mode = app.Services.GetRequiredService<SecurityMode>();
        app.Logger.LogInformation("Security: {Mode}.", mode.Describe());

        app.UseMiddleware<SecureHeaders>();
        app.UseHsts(); // HTTPS only, never for localhost
        if (mode.LoopbackClientsOnly)
            app.Use(RefuseRemotePeers);
        app.UseMiddleware<CrossSiteRequests>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapLoginEndpoints();
        return app;
    }

    /// <summary>
    /// Without authentication, only this machine may talk to the server. The bind-address check reads configuration;
    /// this catches the ways around it (Kestrel's Listen in code, a proxy that forwards client addresses). An unknown
    /// peer (in-memory test server, Unix socket) is let through.
    /// </summary>
    static Task RefuseRemotePeers(HttpContext context, RequestDelegate next)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || BindAddresses.IsLoopback(remote) || remote.Equals(context.Connection.LocalIpAddress))
            return next(context);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync(
            "robustlab runs without authentication and serves this machine only. To serve other machines, add " +
            "Security:Accounts (robustlab hash-password) and set Security:RequireAuthentication to true, or bind to a " +
            "non-loopback address with --urls.\n");
    }

    static Task ApiOr(HttpRequest request, int status, Action redirect)
    {
        if (PublicPaths.IsApi(request))
        {
            request.HttpContext.Response.StatusCode = status;
            if (status == StatusCodes.Status401Unauthorized)
                request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"robustlab\"";
        }
        else
        {
            redirect();
        }
        return Task.CompletedTask;
    }
}
