using System.Globalization;

namespace RobustLab.Web.Runs;

/// <summary>Which Hangfire queue trains a run on a device: "cpu" -> "cpu", "cuda" -> "cuda0", "cuda:N" -> "cudaN".</summary>
public static class DeviceQueues
{
    /// <summary>The queue for <paramref name="device"/>; throws an ArgumentException naming "device" when it is not cpu, cuda or cuda:N.</summary>
    public static string QueueFor(string device) =>
        TryQueueFor(device, out string queue)
            ? queue
            : throw new ArgumentException($"device: unknown device '{device}'; use cpu, cuda or cuda:N (N = 0, 1, ...).", nameof(device));

    public static bool TryQueueFor(string? device, out string queue)
    {
        queue = "";
        string d = (device ?? "").Trim().ToLowerInvariant();
        if (d == "cpu") queue = "cpu";
        else if (d == "cuda") queue = "cuda0";
        else if (d.StartsWith("cuda:", StringComparison.Ordinal)
                 && d.Length > 5 && d[5..].All(char.IsAsciiDigit)
                 && int.TryParse(d[5..], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            queue = "cuda" + index.ToString(CultureInfo.InvariantCulture);
        return queue.Length > 0;
    }
}
