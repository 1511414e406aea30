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
builder.AddDashboard();

var app = builder.Build();
// A refusal to start (e.g. a public address with no account) is one line on stderr, before anything else is printed.
if (StartupRefusal.Check(app.Services) is { } refusal)
{
    Console.Error.WriteLine($"error: {refusal}");
    return 1;
}
app.UseRobustLabSecurity();
app.MapHealthApi();
app.MapRunsApi();
app.MapComparisonApi();
app.MapSweepReportApi();
app.MapJobsDashboard();
app.MapDashboard();
try
{
    await app.Services.MigrateRunStoreAsync();
    await app.RunAsync();
}
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    // An options check that only runs when the host starts: still one line, not a stack trace.
    Console.Error.WriteLine($"error: {StartupRefusal.Describe(e)}");
    return 1;
}
return 0;

/// <summary>The entry point, public for WebApplicationFactory&lt;Program&gt;.</summary>
public partial class Program;
