using System.Globalization;
using RobustLab.Training.Checkpoints;

namespace RobustLab.Training.Certification;

/// <summary>
/// The per-image certification table as CSV: <c>index,label,prediction,radius,correct</c>, prediction -1 for an
/// abstention and correct 0 or 1 (the conventions of Cohen et al.'s certify output), numbers invariant and round-trip.
/// </summary>
public static class CertificationCsv
{
    public const string Header = "index,label,prediction,radius,correct";

    /// <summary>certify-&lt;sigma&gt;.csv, the file a certification at this sigma writes into a run folder.</summary>
    public static string FileName(double sigma) => $"certify-{sigma.ToString("0.####", CultureInfo.InvariantCulture)}.csv";

    public static void Write(TextWriter writer, IEnumerable<CertifiedImage> rows)
    {
        writer.WriteLine(Header);
        foreach (var r in rows)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Index},{r.Label},{r.Prediction},{r.Radius:R},{(r.Correct ? 1 : 0)}"));
    }

    public static void WriteFile(string path, IEnumerable<CertifiedImage> rows)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        Write(text, rows);
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads rows written by <see cref="Write"/>; a malformed line is an error naming its line number and field.</summary>
    public static IReadOnlyList<CertifiedImage> Read(TextReader reader, string source = "certification CSV")
    {
        string? header = reader.ReadLine();
        if (header?.Trim() != Header)
            throw new FormatException($"{source}: line 1 must be the header '{Header}' (got '{header}').");
        var rows = new List<CertifiedImage>();
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != 5)
                throw new FormatException($"{source}: line {lineNumber} has {fields.Length} fields; expected 5 ({Header}).");
            int Int(int i, string name) => int.TryParse(fields[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
                ? v : throw new FormatException($"{source}: line {lineNumber}: {name} '{fields[i]}' is not an integer.");
            double radius = double.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d >= 0
                ? d : throw new FormatException($"{source}: line {lineNumber}: radius '{fields[3]}' is not a number >= 0.");
            int correct = Int(4, "correct");
            if (correct is not (0 or 1)) throw new FormatException($"{source}: line {lineNumber}: correct must be 0 or 1 (got {correct}).");
            rows.Add(new CertifiedImage(Int(0, "index"), Int(1, "label"), Int(2, "prediction"), radius, correct == 1));
        }
        return rows;
    }

    public static IReadOnlyList<CertifiedImage> ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }
}
