using MudBlazor.Services;
using RobustLab.Web.Components;
using RobustLab.Web.Components.RunForm;
using RobustLab.Web.Comparison;
using RobustLab.Web.Reproduction;
using RobustLab.Web.Gallery;

namespace RobustLab.Web.Hosting;

/// <summary>The Blazor Server dashboard (interactive server rendering, MudBlazor, Plotly.Blazor).</summary>
public static class DashboardHosting
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        // Serve wwwroot-assets/ and the packages' assets (MudBlazor, Plotly) from the build output too, not only after
        // publish: the README runs the built binary. A no-op when there is no static-web-assets manifest.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddRunFormServices();
        builder.Services.AddComparisonServices();
        builder.Services.AddReproductionServices();
        builder.Services.AddSingleton<CorruptionGallery>();
        return builder;
    }

    /// <summary>Static assets (wwwroot-assets/ and the packages' own) and the dashboard's pages at "/".</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapStaticAssets();
        // Blazor's own header ("frame-ancestors 'self'" as the whole policy) is off: SecureHeaders sends the app's
        // complete Content-Security-Policy, whose frame-ancestors 'none' is stricter.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
