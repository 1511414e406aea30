using RobustLab.Web.Jobs;

namespace RobustLab.Tests.Jobs;

/// <summary>A Processing attack job whose run lease lapsed lost its worker; it must not block new attacks for hours.</summary>
public class AttackJobStatusTests
{
    static readonly AttackJobStatus Running = new("42", AttackJobState.Running);
    static readonly DateTimeOffset Past = DateTimeOffset.UtcNow.AddMinutes(-2);

    [Fact]
    public void Running_with_a_lapsed_lease_reads_as_failed_and_no_longer_pending()
    {
        var status = HangfireAttackQueue.Stale(Running, leaseLive: false, leaseExpired: Past)!;
        Assert.Equal(AttackJobState.Failed, status.State);
        Assert.False(status.IsPending);
        Assert.Contains("worker stopped", status.Error);
    }

    [Fact]
    public void Running_with_a_live_lease_or_a_released_one_stays_running()
    {
        Assert.Equal(Running, HangfireAttackQueue.Stale(Running, leaseLive: true, leaseExpired: DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Equal(Running, HangfireAttackQueue.Stale(Running, leaseLive: false, leaseExpired: null)); // just started or just done
    }

    [Fact]
    public void Other_states_are_left_as_they_are()
    {
        var queued = new AttackJobStatus("7", AttackJobState.Queued);
        Assert.Equal(queued, HangfireAttackQueue.Stale(queued, leaseLive: false, leaseExpired: Past));
        Assert.Null(HangfireAttackQueue.Stale(null, leaseLive: false, leaseExpired: Past));
    }
}
