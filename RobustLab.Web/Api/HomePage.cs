using System.Net;
using System.Text;
using RobustLab.Training.Data;

namespace RobustLab.Web.Api;

/// <summary>GET /: a plain placeholder page listing the data sets until the dashboard lands.</summary>
public static class HomePage
{
    public static IEndpointRouteBuilder MapHomePage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (DatasetCatalog catalog) => TypedResults.Content(Render(catalog.List()), "text/html; charset=utf-8"));
        return app;
    }

    static string Render(IReadOnlyList<DatasetEntry> entries)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>RobustLab</title></head><body>
            <h1>RobustLab</h1>
            <p>Noise-robust training: baseline, noisy augmentation and the analytic moment regulariser. The dashboard
            arrives with the dashboard issue; until then use the CLI (<code>robustlab train</code>, <code>eval</code>,
            <code>datasets</code>, <code>bench</code>; see the README).</p>
            <h2>Data sets</h2>
            <table border="1" cellpadding="4"><tr><th>name</th><th>shape</th><th>classes</th><th>found</th><th>location</th><th>how to get</th></tr>
            """);
        foreach (var e in entries)
            html.Append($"<tr><td>{E(e.Name)}</td><td>{e.Shape}</td><td>{e.Classes}</td><td>{(e.Found ? "yes" : "no")}</td>" +
                        $"<td>{E(e.Location)}</td><td>{(e.Found ? "" : E(e.HowToGet))}</td></tr>");
        html.Append("</table></body></html>");
        return html.ToString();
    }
}
