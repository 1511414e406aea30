using RobustLab.Web.Runs;

namespace RobustLab.Web.Hosting;

/// <summary>
/// The run store alone, configured as <c>serve</c> and <c>worker</c> configure it (appsettings.json next to the binary,
/// then environment variables such as Storage__Provider and Storage__DataFolder), for verbs that read it.
/// </summary>
public static class StoreServices
{
    public static ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        return Build(configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions());
    }

    /// <summary>The run store for these settings (tests run a verb in-process on their own store this way).</summary>
    public static ServiceProvider Build(StorageOptions storage)
    {
        var services = new ServiceCollection();
        services.AddSingleton(storage);
        services.AddLogging();
        services.AddRunStore(storage);
        return services.BuildServiceProvider();
    }

    /// <summary>"sqlite, data folder /path" for messages.</summary>
    public static string Describe(IServiceProvider services)
    {
        var storage = services.GetRequiredService<StorageOptions>();
        return $"{storage.Provider.ToString().ToLowerInvariant()}, data folder {RunStoreSetup.DataFolder(storage)}";
    }
}
