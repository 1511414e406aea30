using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RobustLab.Web.Comparison;

/// <summary>The trade-off, fair-comparison, attacks-table, certified and corruption-table services (pages and GET /api/comparison.csv). Needs an <see cref="Runs.IRunStore"/>.</summary>
public static class ComparisonServices
{
    public static IServiceCollection AddComparisonServices(this IServiceCollection services)
    {
        services.TryAddSingleton<FairComparison>();
        services.TryAddSingleton<TradeOff>();
        services.TryAddSingleton<AttackTable>();
        services.TryAddSingleton<CertifiedComparison>();
        services.TryAddSingleton<CorruptionTable>();
        services.TryAddScoped<ComparisonRunSource>();
        return services;
    }
}
