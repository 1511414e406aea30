using RobustLab.Training.Corruptions;
using RobustLab.Training.Loop;
using RobustLab.Web.Runs;

namespace RobustLab.Web.Jobs;

/// <summary>
/// Measures a run that already succeeded under common corruptions: checks the request (fields "corruptions",
/// "severities", "testSubset") against <see cref="CorruptionOptions.Validate"/> and queues a <see cref="CorruptRunJob"/>
/// through <see cref="PostTrainingSubmitter"/>, which refuses a run that is not succeeded or that has any job after
/// training queued or running.
/// </summary>
public sealed class CorruptSubmitter(PostTrainingSubmitter submitter)
{
    public const string CorruptionsField = "corruptions", SeveritiesField = "severities", TestSubsetField = "testSubset";

    /// <summary>
    /// The request with its defaults filled in (every corruption, severities 1-5, the run's own test subset) and every
    /// problem by field; empty when valid. Names are matched as the CLI matches them ("Gaussian-Noise" is gaussian_noise).
    /// </summary>
    public static (CorruptJobRequest Options, Dictionary<string, string[]> Errors) Validate(
        IReadOnlyList<string?>? corruptions, IReadOnlyList<int>? severities, int? testSubset)
    {
        var errors = new FieldProblems();
        IReadOnlyList<string> names = CorruptionCatalog.Names;
        if (corruptions is not null)
        {
            try { names = CorruptionCatalog.Parse(string.Join(",", corruptions.Select(c => c ?? "")), CorruptionsField); }
            catch (ArgumentException e) { errors.Add(CorruptionsField, e.Message); }
        }
        IReadOnlyList<int> levels = severities is { Count: > 0 } ? [.. severities.Distinct().Order()] : [1, 2, 3, 4, 5];
        if (severities is { Count: 0 }) errors.Add(SeveritiesField, "severities: name at least one severity (1-5).");
        foreach (string message in new CorruptionOptions { Corruptions = names, Severities = levels }.Validate())
            errors.Add(message.StartsWith("severities", StringComparison.Ordinal) ? SeveritiesField
                : message.StartsWith("corruptions", StringComparison.Ordinal) ? CorruptionsField : "body", message);
        if (testSubset is < 1 or > TrainingLimits.MaxSubset)
            errors.Add(TestSubsetField, $"testSubset must be in [1, {TrainingLimits.MaxSubset}] (got {testSubset}); leave it out for the run's own test subset.");
        return (new CorruptJobRequest(names, levels, testSubset), errors.ToProblem());
    }

    /// <summary>The request as a job request, or the problems by field.</summary>
    public static ValidatedRequest Request(IReadOnlyList<string?>? corruptions, IReadOnlyList<int>? severities, int? testSubset)
    {
        var (options, errors) = Validate(corruptions, severities, testSubset);
        return errors.Count > 0 ? ValidatedRequest.Invalid(errors) : ValidatedRequest.Valid(options);
    }

    /// <summary>Queues a corruption job for run <paramref name="runId"/>. A failure to enqueue is thrown (the API answers 500).</summary>
    public Task<PostTrainingSubmission> SubmitAsync(Guid runId, IReadOnlyList<string?>? corruptions, IReadOnlyList<int>? severities, int? testSubset,
        CancellationToken ct = default) =>
        submitter.SubmitAsync(runId, PostTrainingJobKind.Corrupt, _ => Request(corruptions, severities, testSubset), ct);
}
