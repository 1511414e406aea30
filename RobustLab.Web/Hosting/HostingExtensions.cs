using RobustLab.Training.Data;

namespace RobustLab.Web.Hosting;

public static class HostingExtensions
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>
    /// Listens on loopback port 5000 unless --urls, ASPNETCORE_URLS or "Urls" in appsettings.json says otherwise, and
    /// registers the data set catalogue (see <see cref="AddDatasetCatalog"/>).
    /// </summary>
    public static WebApplicationBuilder AddRobustLabHosting(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.AddDatasetCatalog();
        return builder;
    }

    /// <summary>The data set catalogue from configuration section "Data": Root, FashionMnistFolder, Mnist10kFolder.</summary>
    public static IHostApplicationBuilder AddDatasetCatalog(this IHostApplicationBuilder builder)
    {
        var data = builder.Configuration.GetSection("Data");
        var locations = new DataLocations(data["Root"] ?? "data", data["FashionMnistFolder"], data["Mnist10kFolder"]);
        builder.Services.AddSingleton(locations);
        builder.Services.AddSingleton(sp => new DatasetCatalog(sp.GetRequiredService<DataLocations>()));
        return builder;
    }
}
