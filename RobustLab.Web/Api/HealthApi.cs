namespace RobustLab.Web.Api;

public static class HealthApi
{
    /// <summary>GET /healthz: 200 "ok" while the process serves requests.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok"));
        return app;
    }
}
