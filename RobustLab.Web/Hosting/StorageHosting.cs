using RobustLab.Web.Runs;

namespace RobustLab.Web.Hosting;

public static class StorageHosting
{
    /// <summary>
    /// The run store from configuration section "Storage" (Provider sqlite | postgresql | sqlserver, ConnectionString,
    /// DataFolder; environment variables Storage__Provider etc. override appsettings.json). Registers the bound
    /// <see cref="StorageOptions"/>, which the job engine uses for the Hangfire storage, so both always agree.
    /// </summary>
    public static IHostApplicationBuilder AddRunStore(this IHostApplicationBuilder builder)
    {
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        builder.Services.AddSingleton(storage);
        builder.Services.AddRunStore(storage);
        return builder;
    }
}
