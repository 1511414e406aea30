using RobustLab.Web.Jobs;

namespace RobustLab.Tests.Jobs;

/// <summary>A Processing job after training whose run lease lapsed lost its worker; it must not block new jobs for hours.</summary>
public class PostTrainingJobStatusTests
{
    static readonly PostTrainingJobStatus Running = new("42", PostTrainingJobKind.Certify, PostTrainingJobState.Running);
    static readonly DateTimeOffset Past = DateTimeOffset.UtcNow.AddMinutes(-2);

    [Fact]
    public void Running_with_a_lapsed_lease_reads_as_failed_and_no_longer_pending()
    {
        var status = HangfirePostTrainingQueue.Stale(Running, leaseLive: false, leaseExpired: Past)!;
        Assert.Equal(PostTrainingJobState.Failed, status.State);
        Assert.False(status.IsPending);
        Assert.Contains("worker stopped while certifying", status.Error);
        Assert.Contains("certify the run again", status.Error); // says what to do, in the words of the job's kind
    }

    [Fact]
    public void Running_with_a_live_lease_or_a_released_one_stays_running()
    {
        Assert.Equal(Running, HangfirePostTrainingQueue.Stale(Running, leaseLive: true, leaseExpired: DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Equal(Running, HangfirePostTrainingQueue.Stale(Running, leaseLive: false, leaseExpired: null)); // just started or just done
    }

    [Fact]
    public void Other_states_are_left_as_they_are()
    {
        var queued = new PostTrainingJobStatus("7", PostTrainingJobKind.Attack, PostTrainingJobState.Queued);
        Assert.Equal(queued, HangfirePostTrainingQueue.Stale(queued, leaseLive: false, leaseExpired: Past));
        Assert.Null(HangfirePostTrainingQueue.Stale(null, leaseLive: false, leaseExpired: Past));
    }
}
