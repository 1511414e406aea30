namespace RobustLab.Training;

/// <summary>
/// What is wrong with one option, with the option as data: <see cref="Option"/> is its name as the command line spells
/// it, without the dashes ("train-subset", "lr"); <see cref="Message"/> reads after the name ("must be >= 1 (got 0).").
/// The CLI shows "--train-subset must be ...", the API and the form file it under <see cref="Field"/> ("trainSubset").
/// </summary>
public sealed record OptionProblem(string Option, string Message)
{
    /// <summary>The option's name in camelCase, as the API's JSON and the dashboard's form name it.</summary>
    public string Field
    {
        get
        {
            var parts = Option.Split('-', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length == 0 ? Option : parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        }
    }

    /// <summary>"train-subset must be ...": the option's name, then the message.</summary>
    public override string ToString() => $"{Option} {Message}";
}
