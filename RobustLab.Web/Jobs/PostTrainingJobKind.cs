using RobustLab.Training.Loop;

namespace RobustLab.Web.Jobs;

/// <summary>
/// The jobs that work on a run after it succeeded. They share the run's lease and its <see cref="Runs.RunEntity.JobId"/>,
/// so one of them at a time per run (<see cref="PostTrainingSubmitter"/>).
/// </summary>
public enum PostTrainingJobKind { Attack, Certify, Corrupt }

/// <summary>Each kind's words and stage: one place for what the run log, the API and the pages say about it.</summary>
public static class PostTrainingJobKinds
{
    public static readonly IReadOnlyList<PostTrainingJobKind> All = Enum.GetValues<PostTrainingJobKind>();

    /// <summary>"attack", "certification", "corruption": the job in words ("an attack job").</summary>
    public static string Noun(this PostTrainingJobKind kind) => kind switch
    {
        PostTrainingJobKind.Attack => "attack",
        PostTrainingJobKind.Certify => "certification",
        _ => "corruption",
    };

    /// <summary>"an attack", "a certification", "a corruption".</summary>
    public static string WithArticle(this PostTrainingJobKind kind) => (kind == PostTrainingJobKind.Attack ? "an " : "a ") + kind.Noun();

    /// <summary>"An attack" for "an attack": a sentence's start.</summary>
    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>"attacking", "certifying", "corrupting": what a worker is doing while the job runs.</summary>
    public static string Working(this PostTrainingJobKind kind) => kind switch
    {
        PostTrainingJobKind.Attack => "attacking",
        PostTrainingJobKind.Certify => "certifying",
        _ => "measuring corruptions",
    };

    /// <summary>The plural the run log uses for the work: "attacks", "certification", "corruptions".</summary>
    public static string Work(this PostTrainingJobKind kind) => kind switch
    {
        PostTrainingJobKind.Attack => "attacks",
        PostTrainingJobKind.Certify => "certification",
        _ => "corruptions",
    };

    /// <summary>What a user does after a lost job: "attack the run again".</summary>
    public static string Again(this PostTrainingJobKind kind) => kind switch
    {
        PostTrainingJobKind.Attack => "attack the run again",
        PostTrainingJobKind.Certify => "certify the run again",
        _ => "measure the corruptions again",
    };

    /// <summary>The stage whose seconds the job records in the run's timings.</summary>
    public static RunStage Stage(this PostTrainingJobKind kind) => kind switch
    {
        PostTrainingJobKind.Attack => RunStage.Attacking,
        PostTrainingJobKind.Certify => RunStage.Certifying,
        _ => RunStage.Corrupting,
    };

    /// <summary>The Hangfire job class of the kind.</summary>
    public static Type JobType(this PostTrainingJobKind kind) => kind switch
    {
        PostTrainingJobKind.Attack => typeof(AttackRunJob),
        PostTrainingJobKind.Certify => typeof(CertifyRunJob),
        _ => typeof(CorruptRunJob),
    };

    /// <summary>The kind whose job class is <paramref name="type"/>, or null (a training job, or something else).</summary>
    public static PostTrainingJobKind? OfJobType(Type? type) => All.Cast<PostTrainingJobKind?>().FirstOrDefault(k => k!.Value.JobType() == type);
}
