using UserSync.Infra.Tests.Bicep;
using UserSync.Infra.Tests.Code;

namespace UserSync.Infra.Tests.Rules;

/// <summary>Queue names infra creates, held against QueueNames and the bindings in functions.metadata.</summary>
internal static class NameRules
{
    /// <summary>The poison queue the host moves exhausted messages to: "&lt;queue&gt;-poison".</summary>
    public static string PoisonQueueOf(string queue) => queue + "-poison";

    public static IReadOnlyList<string> Queues(SourceCode code, InfraTemplate infra)
    {
        var problems = new List<string>();
        var created = infra.QueueNames;
        if (created.Any(q => q is null))
        {
            problems.Add("A queue resource's name is not a plain string literal, so it cannot be checked.");
        }

        var expected = new[] { code.AlertsQueue, PoisonQueueOf(code.AlertsQueue) };
        if (code.AlertsPoisonQueue != PoisonQueueOf(code.AlertsQueue))
        {
            problems.Add($"QueueNames.AlertsPoison is {code.AlertsPoisonQueue}, not the host's poison queue {PoisonQueueOf(code.AlertsQueue)}.");
        }

        foreach (var queue in expected.Where(q => !created.Contains(q)))
        {
            problems.Add($"Queue {queue} (QueueNames.Alerts{(queue == code.AlertsQueue ? "" : " + \"-poison\"")}) is not created by infra.");
        }

        foreach (var queue in created.OfType<string>().Where(q => !expected.Contains(q)))
        {
            problems.Add($"Infra creates queue {queue}, which the code neither writes nor reads (expected {string.Join(", ", expected)}).");
        }

        foreach (var (function, queue) in code.BindingQueues.Where(b => !expected.Contains(b.Queue)))
        {
            problems.Add($"functions.metadata {function} binds queue {queue}, neither of {string.Join(", ", expected)}.");
        }

        return problems;
    }
}
