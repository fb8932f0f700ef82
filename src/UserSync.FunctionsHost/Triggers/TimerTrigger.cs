using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cronos;
using UserSync.FunctionsHost.App;
using UserSync.FunctionsHost.Rpc;

namespace UserSync.FunctionsHost.Triggers;

/// <summary>
/// Fires timer triggers now, on request: the stand-in has no schedules. The payload is what the
/// host sends for a timer: the Timer extension's TimerInfo (Microsoft.Azure.WebJobs.Extensions,
/// built by its TimerListener) serialized by the host's ToRpcDefault with Newtonsoft.Json into
/// TypedData.json: <c>{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":…,"Next":…,"LastUpdated":…}|null,"IsPastDue":bool}</c>,
/// plus the trigger metadata "TimerTrigger" (TimerTriggerBinding: the local time as a string).
/// A function retry policy the worker declared (retry_options) is honoured as the host does for
/// timers: failed tries are repeated with a retry_context, the delays capped by
/// <see cref="LocalHostOptions.RetryDelayCap"/>.
/// </summary>
public sealed class TimerTrigger
{
    // Newtonsoft.Json's default ISO format for DateTime / DateTimeOffset ("K": the offset).
    private const string IsoFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz";

    // Newtonsoft.Json (the host's serializer) leaves '+' of an offset unescaped; so does this.
    private static readonly JsonSerializerOptions PayloadJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly LocalFunctionsHost _host;
    private readonly Dictionary<string, ScheduleStatus> _monitor = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    internal TimerTrigger(LocalFunctionsHost host) => _host = host;

    public async Task<InvocationResult> FireAsync(string function, TimerFire fire, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fire);
        var loaded = _host.Function(function);
        var trigger = loaded.Description.Trigger;
        if (!trigger.Is("timerTrigger"))
        {
            throw new ArgumentException($"{function} is not a timer-triggered function", nameof(function));
        }

        var schedule = Schedule(trigger);
        var now = _host.Options.Time.GetUtcNow().ToLocalTime();
        var useMonitor = !string.Equals(trigger.Property("useMonitor"), "false", StringComparison.OrdinalIgnoreCase);
        var status = fire.WithoutStatus || !useMonitor ? null : fire.Status ?? MonitorStatus(loaded.Name, schedule, now);
        var payload = new TypedData { Json = Payload(schedule is null || schedule.AdjustForDst, status, fire.IsPastDue) };
        var metadata = new Dictionary<string, TypedData>
        {
            ["TimerTrigger"] = new() { String = now.LocalDateTime.ToString(CultureInfo.CurrentCulture) },
        };

        var maxRetries = loaded.Retry?.MaxRetryCount ?? 0;
        InvocationResult result;
        for (var attempt = 0; ; attempt++)
        {
            var retry = loaded.Retry is null ? null : new RetryContext { RetryCount = attempt, MaxRetryCount = maxRetries };
            result = await _host.InvokeAsync(loaded, [new ParameterBinding { Name = trigger.Name, Data = payload }], metadata, retry, null, null, cancellationToken);
            if (result.Succeeded || attempt >= maxRetries)
            {
                break;
            }

            await Task.Delay(RetryDelay(loaded.Retry!, attempt), _host.Options.Time, cancellationToken);
        }

        if (schedule is not null)
        {
            lock (_gate)
            {
                // After a run the monitor records it, as TimerListener does whatever the outcome.
                _monitor[loaded.Name] = new ScheduleStatus(now, schedule.Next(now), now);
            }
        }

        return result;
    }

    internal static string Payload(bool adjustForDst, ScheduleStatus? status, bool isPastDue)
    {
        var node = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = adjustForDst },
            ["ScheduleStatus"] = status is null
                ? null
                : new JsonObject
                {
                    ["Last"] = Iso(status.Last),
                    ["Next"] = Iso(status.Next),
                    ["LastUpdated"] = Iso(status.LastUpdated),
                },
            ["IsPastDue"] = isPastDue,
        };
        return node.ToJsonString(PayloadJson);
    }

    private static string Iso(DateTimeOffset at) => at.ToString(IsoFormat, CultureInfo.InvariantCulture);

    private ScheduleStatus MonitorStatus(string function, ParsedSchedule? schedule, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_monitor.TryGetValue(function, out var status))
            {
                return status;
            }
        }

        // No status stored yet: TimerListener starts from default Last/LastUpdated and the next occurrence.
        var never = new DateTimeOffset(DateTime.SpecifyKind(default, DateTimeKind.Unspecified), TimeSpan.Zero);
        return new ScheduleStatus(never, schedule?.Next(now) ?? now, never);
    }

    private ParsedSchedule? Schedule(BindingDescription trigger)
    {
        var raw = trigger.Property("schedule");
        if (raw is null)
        {
            return null;
        }

        var expression = _host.Settings.Resolve(raw, $"the schedule of {trigger.Name}");
        if (TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new ParsedSchedule(null, interval);
        }

        try
        {
            // NCRONTAB with seconds, as the Timer extension reads six fields.
            return new ParsedSchedule(CronExpression.Parse(expression, expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard), null);
        }
        catch (CronFormatException ex)
        {
            throw new FunctionAppException($"the schedule of {trigger.Name} is not a CRON expression or a TimeSpan", ex);
        }
    }

    private TimeSpan RetryDelay(RpcRetryOptions retry, int attempt)
    {
        var delay = retry.RetryStrategy == RpcRetryOptions.Types.RetryStrategy.FixedDelay
            ? retry.DelayInterval?.ToTimeSpan() ?? TimeSpan.Zero
            : TimeSpan.FromTicks(Math.Min(
                (retry.MinimumInterval?.ToTimeSpan() ?? TimeSpan.FromSeconds(1)).Ticks * (1L << Math.Min(attempt, 30)),
                (retry.MaximumInterval?.ToTimeSpan() ?? TimeSpan.MaxValue).Ticks));
        return delay < _host.Options.RetryDelayCap ? delay : _host.Options.RetryDelayCap;
    }

    private sealed record ParsedSchedule(CronExpression? Cron, TimeSpan? Interval)
    {
        // CronSchedule adjusts for DST; a TimeSpan (ConstantSchedule) does not.
        public bool AdjustForDst => Cron is not null;

        public DateTimeOffset Next(DateTimeOffset after) =>
            Cron is not null
                ? Cron.GetNextOccurrence(after, TimeZoneInfo.Local) ?? after
                : after + Interval!.Value;
    }
}
