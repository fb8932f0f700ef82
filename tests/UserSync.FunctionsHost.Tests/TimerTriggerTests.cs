using Microsoft.Extensions.Logging;
using UserSync.FunctionsHost.Rpc;
using UserSync.FunctionsHost.Tests.Fixtures;
using UserSync.FunctionsHost.Triggers;

namespace UserSync.FunctionsHost.Tests;

/// <summary>DailyCheck fired as the Timer extension fires it: TimerInfo JSON with and without ScheduleStatus, past due or not.</summary>
[Collection(SharedWorkerDefinition.Name)]
public sealed class TimerTriggerTests(SharedWorker app)
{
    private static readonly DateTimeOffset LastRun = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_past_due_timer_with_a_schedule_status_binds_and_the_function_says_it_is_past_due()
    {
        var result = await app.Host.Timers.FireAsync("DailyCheck",
            new TimerFire { IsPastDue = true, Status = new ScheduleStatus(LastRun, LastRun.AddDays(1), LastRun) }, CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(0, result.Attempt);
        Assert.Contains(result.Logs, l => l.Level == LogLevel.Warning && l.Message.Contains("past due", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(result.Logs, l => l.Message.Contains("ghost users", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_timer_without_a_schedule_status_binds_and_is_not_past_due()
    {
        var result = await app.Host.Timers.FireAsync("DailyCheck", new TimerFire { WithoutStatus = true }, CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.DoesNotContain(result.Logs, l => l.Message.Contains("past due", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(result.Logs, l => l.Message.Contains("ghost users", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_stand_ins_own_schedule_monitor_status_binds_too()
    {
        var first = await app.Host.Timers.FireAsync("DailyCheck", new TimerFire(), CancellationToken.None);
        var second = await app.Host.Timers.FireAsync("DailyCheck", new TimerFire(), CancellationToken.None);

        Assert.True(first.Succeeded, first.Error);
        Assert.True(second.Succeeded, second.Error);
    }

    [Fact]
    public async Task A_timer_payload_the_worker_cannot_bind_fails_the_invocation_so_the_shape_is_really_checked()
    {
        // The same invocation with a ScheduleStatus date the worker's TimerInfo cannot read.
        var payload = new TypedData { Json = """{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"yesterday","Next":"tomorrow","LastUpdated":"now"},"IsPastDue":false}""" };
        var trigger = app.Host.Function("DailyCheck").Description.Trigger;

        var result = await app.Host.InvokeAsync("DailyCheck", [new ParameterBinding { Name = trigger.Name, Data = payload }], null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Enqueued);
    }

    [Fact]
    public void The_payload_is_TimerInfo_as_the_host_serializes_it()
    {
        var json = TimerTrigger.Payload(true, new ScheduleStatus(LastRun, LastRun.AddDays(1), LastRun), isPastDue: true);
        var without = TimerTrigger.Payload(true, null, isPastDue: false);

        Assert.Equal(
            """{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-30T02:00:00+00:00","Next":"2026-12-01T02:00:00+00:00","LastUpdated":"2026-11-30T02:00:00+00:00"},"IsPastDue":true}""",
            json);
        Assert.Equal("""{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}""", without);
    }
}
