using RobustLab.Web.Api;
using RobustLab.Web.Cli;
using RobustLab.Web.Hosting;

// No arguments or 'serve': the dashboard. Anything else: a CLI verb (train, eval, datasets, bench).
if (!CommandLineApp.IsServe(args))
    return CommandLineApp.RunConsole(args);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args.Skip(1).ToArray(), ContentRootPath = AppContext.BaseDirectory });
builder.AddRobustLabHosting();

var app = builder.Build();
app.MapHealthApi();
app.MapHomePage();
await app.RunAsync();
return 0;
