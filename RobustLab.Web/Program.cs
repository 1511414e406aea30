using RobustLab.Web.Api;
using RobustLab.Web.Cli;
using RobustLab.Web.Hosting;
using RobustLab.Web.Jobs;
using RobustLab.Web.Runs;
using RobustLab.Web.Security;

// No arguments or 'serve': the dashboard, API and in-process workers. Anything else: a CLI verb (train, eval, worker, ...).
if (!CommandLineApp.IsServe(args) && !HostArguments.AreHostSettings(args))
    return CommandLineApp.RunConsole(args);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = HostArguments.ForHost(args), ContentRootPath = AppContext.BaseDirectory });
builder.AddRobustLabHosting();
builder.AddRobustLabSecurity();
builder.AddRunStore();
builder.AddJobEngine(JobEngineRole.Serve);
builder.Services.AddRunsApi();

var app = builder.Build();
await app.Services.MigrateRunStoreAsync();
app.UseRobustLabSecurity();
app.MapHealthApi();
app.MapHomePage();
app.MapRunsApi();
app.MapJobsDashboard();
await app.RunAsync();
return 0;

/// <summary>The entry point, public for WebApplicationFactory&lt;Program&gt;.</summary>
public partial class Program;
