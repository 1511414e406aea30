using RobustLab.Training.Attacks;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// Attacks a run that already succeeded: checks the request (fields "attacks" and "samples") and queues an
/// <see cref="AttackRunJob"/> through <see cref="PostTrainingSubmitter"/>, which refuses a run that is not succeeded or
/// that has any job after training queued or running. The API (POST /api/runs/{id}/attacks) and the run page both call
/// this, so they follow one rule.
/// </summary>
public sealed class AttackSubmitter(PostTrainingSubmitter submitter)
{
    public const string AttacksField = "attacks", SamplesField = "samples";

    /// <summary>
    /// The attack options for <paramref name="attacks"/> (names, or ["all"]) and <paramref name="samples"/> (default
    /// <see cref="AttackSelection.DefaultSamples"/>), and every problem by field ("attacks", "samples"); empty when valid.
    /// </summary>
    public static (AttackOptions Options, Dictionary<string, string[]> Errors) Validate(IEnumerable<string?>? attacks, int? samples)
    {
        var options = new AttackOptions
        {
            Attacks = AttackSelection.InCatalogOrder(AttackSelection.Normalize(attacks)),
            Samples = samples ?? AttackSelection.DefaultSamples,
        };
        var errors = new Dictionary<string, List<string>>();
        foreach (string message in options.Validate())
        {
            // AttackOptions names its fields as the CLI does ("attacks: ...", "attack-samples must be ..."); here it is "samples".
            string field = message.StartsWith("attack-samples", StringComparison.Ordinal) ? SamplesField
                : message.StartsWith("attacks", StringComparison.Ordinal) ? AttacksField : "body";
            string text = field == SamplesField ? "samples" + message["attack-samples".Length..] : message;
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            if (!list.Contains(text)) list.Add(text);
        }
        return (options, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    /// <summary>The attack options as a job request, or the problems by field.</summary>
    public static ValidatedRequest Request(IEnumerable<string?>? attacks, int? samples)
    {
        var (options, errors) = Validate(attacks, samples);
        return errors.Count > 0 ? ValidatedRequest.Invalid(errors) : ValidatedRequest.Valid(new AttackJobRequest(options.Attacks, options.Samples));
    }

    /// <summary>Queues an attack job for run <paramref name="runId"/>. A failure to enqueue is thrown (the API answers 500).</summary>
    public Task<PostTrainingSubmission> SubmitAsync(Guid runId, IEnumerable<string?>? attacks, int? samples, CancellationToken ct = default) =>
        submitter.SubmitAsync(runId, PostTrainingJobKind.Attack, _ => Request(attacks, samples), ct);

    /// <summary>The run's latest job after training (of any kind: they exclude each other), or null.</summary>
    public Task<PostTrainingJobStatus?> StatusAsync(RunEntity run, CancellationToken ct = default) => submitter.StatusAsync(run, ct);
}
