namespace RobustLab.Web.Components.RunForm;

/// <summary>
/// The "New run / sweep" form's services. Needs what the API needs (IRunStore, SweepSubmitter, IRunQueue from the run
/// store and the job engine) and the DatasetCatalog; both are scoped to a circuit (one browser tab).
/// </summary>
public static class RunFormServices
{
    public static IServiceCollection AddRunFormServices(this IServiceCollection services)
    {
        services.AddOptions();
        services.AddScoped<RunFormEstimator>();
        services.AddScoped<RunFormSubmitter>();
        return services;
    }
}
