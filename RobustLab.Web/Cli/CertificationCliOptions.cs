using System.CommandLine;
using RobustLab.Training.Certification;

namespace RobustLab.Web.Cli;

/// <summary>
/// The sizing options of a certification (--n0, --n, --alpha, --images | --every, --batch, --vote-samples), shared by
/// <c>certify</c> and <c>eval --certify</c> so that both parse and check them the same way.
/// </summary>
public sealed class CertificationCliOptions
{
    static readonly CertificationOptions Defaults = new() { Sigma = 1 };

    readonly Option<int?> _n0 = CliOptions.Int("--n0", $"Noisy samples that guess the top class (default {Defaults.N0}).");
    readonly Option<int?> _n = CliOptions.Int("--n", $"Noisy samples that bound its probability (default {Defaults.N}; 100000 is the paper scale).");
    readonly Option<double?> _alpha = CliOptions.Double("--alpha", $"Failure probability of each certificate (default {Defaults.Alpha}).");
    readonly Option<int?> _images = CliOptions.Int("--images", $"Certify K test images, every (test count / K)-th one (default {Defaults.Images}).");
    readonly Option<int?> _every = CliOptions.Int("--every", "Certify every K-th test image instead (--every 1: the full test set).");
    readonly Option<int?> _batch = CliOptions.Int("--batch", $"Noisy copies per forward pass (default {Defaults.BatchSize}).");
    readonly Option<int?> _votes = CliOptions.Int("--vote-samples", $"Noisy samples per image of the majority-vote robustness (default {Defaults.MajorityVoteSamples}).");

    IEnumerable<Option> All => [_n0, _n, _alpha, _images, _every, _batch, _votes];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>The first of these options given on the command line, or null.</summary>
    public string? FirstGiven(ParseResult parsed) => All.FirstOrDefault(o => parsed.GetResult(o) is not null)?.Name;

    /// <summary>The options (Sigma still to be set per sigma), or a usage error naming the option at fault.</summary>
    public CertificationOptions Read(ParseResult parsed)
    {
        int? images = parsed.GetValue(_images), every = parsed.GetValue(_every);
        if (images is not null && every is not null)
            throw new UsageException("--images and --every: give one of them (--images K picks K images spread over the test set).");
        var options = Defaults with
        {
            N0 = parsed.GetValue(_n0) ?? Defaults.N0,
            N = parsed.GetValue(_n) ?? Defaults.N,
            Alpha = parsed.GetValue(_alpha) ?? Defaults.Alpha,
            Images = every is null ? images ?? Defaults.Images : null,
            Every = every,
            BatchSize = parsed.GetValue(_batch) ?? Defaults.BatchSize,
            MajorityVoteSamples = parsed.GetValue(_votes) ?? Defaults.MajorityVoteSamples,
        };
        var errors = options.Validate();
        if (errors.Count == 0) return options;
        string first = errors[0];
        string option = first.Split(' ')[0] switch
        {
            "batch" => "--batch", "majority-vote" => "--vote-samples", var name => "--" + name,
        };
        throw new UsageException($"{option}: {first}");
    }
}
