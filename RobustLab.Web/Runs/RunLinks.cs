namespace RobustLab.Web.Runs;

/// <summary>Where to read, act on (cancel, retry, attack) and download a run (the downloads exist once it succeeded).</summary>
public sealed record RunLinks(string Self, string Cancel, string Retry, string Attacks, string Safetensors, string Torchsharp, string Runjson)
{
    public static RunLinks For(Guid id)
    {
        string self = $"/api/runs/{id}";
        return new(self, self + "/cancel", self + "/retry", self + "/attacks",
            self + "/files/safetensors", self + "/files/torchsharp", self + "/files/runjson");
    }

    /// <summary>The per-image certification rows at <paramref name="sigma"/> (null: the smallest certified sigma).</summary>
    public static string CertificationCsv(Guid id, double? sigma = null) =>
        $"/api/runs/{id}/certification.csv" + (sigma is { } s ? "?sigma=" + s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
}
