using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using UserSync.Functions.Functions;

namespace UserSync.Functions.Tests;

/// <summary>host.json and functions/*/function.json: valid for the Functions host, and saying what the handler serves.</summary>
public sealed class FunctionMetadataTests
{
    public static TheoryData<string> FunctionNames => [.. RepositoryFiles.Functions.Select(f => f.Name)];

    public static TheoryData<string> HttpFunctionNames => [.. FunctionCatalog.Http.Select(f => f.Name)];

    [Fact]
    public void Host_json_validates_against_the_SchemaStore_schema()
    {
        var result = Schema("host.json").Evaluate(ReadJson(RepositoryFiles.HostJson), EvaluationOptionsFor());

        Assert.True(result.IsValid, Describe(result));
    }

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void Function_json_validates_against_the_SchemaStore_schema(string name)
    {
        var result = Schema("function.json").Evaluate(RepositoryFiles.Function(name).Root, EvaluationOptionsFor());

        Assert.True(result.IsValid, $"{name}: {Describe(result)}");
    }

    [Theory]
    [InlineData("the queue output read as an input", 1, "direction", "in")]
    [InlineData("the timer trigger used as an output", 0, "direction", "out")]
    [InlineData("a direction the host does not know", 1, "direction", "sideways")]
    [InlineData("a binding without a name", 1, "name", null)]
    public void The_function_json_schema_rejects_a_DailyCheck_binding_that_breaks_it(string change, int binding, string property, string? value)
    {
        // Proves the schema is applied with draft-07 semantics: draft-04 (which ignores `const`)
        // would accept a queue binding with direction "in" and reject the real DailyCheck.
        var broken = JsonNode.Parse(File.ReadAllText(RepositoryFiles.Function(FunctionCatalog.DailyCheck).Path))!;
        var target = broken["bindings"]![binding]!.AsObject();
        if (value is null)
        {
            target.Remove(property);
        }
        else
        {
            target[property] = value;
        }

        var result = Schema("function.json").Evaluate(Json.Parse(broken.ToJsonString()), EvaluationOptionsFor());

        Assert.False(result.IsValid, change);
    }

    [Fact]
    public void The_host_json_schema_rejects_a_malformed_function_timeout()
    {
        var broken = JsonNode.Parse(File.ReadAllText(RepositoryFiles.HostJson))!;
        broken["functionTimeout"] = "ten minutes";

        var result = Schema("host.json").Evaluate(Json.Parse(broken.ToJsonString()), EvaluationOptionsFor());

        Assert.False(result.IsValid);
    }

    [Fact]
    public void Every_function_folder_is_in_FunctionCatalog_and_every_catalog_function_has_a_folder()
    {
        var folders = RepositoryFiles.Functions.Select(f => f.Name).Order(StringComparer.Ordinal);
        var catalog = FunctionCatalog.Http.Select(f => f.Name)
            .Append(FunctionCatalog.DailyCheck)
            .Append(FunctionCatalog.AlertDispatcher)
            .Order(StringComparer.Ordinal);

        Assert.Equal(catalog, folders);
    }

    [Theory]
    [MemberData(nameof(HttpFunctionNames))]
    public void Http_function_json_has_the_catalog_route_method_and_auth_level(string name)
    {
        var entry = FunctionCatalog.Http.Single(f => f.Name == name);
        var trigger = RepositoryFiles.Function(name).Trigger;

        Assert.Equal("httpTrigger", FunctionDefinition.Type(trigger));
        Assert.Equal(entry.Route, trigger.GetProperty("route").GetString());
        Assert.Equal(entry.AuthLevel, trigger.GetProperty("authLevel").GetString());
        var method = Assert.Single(trigger.GetProperty("methods").EnumerateArray());
        Assert.Equal(entry.Method, method.GetString()!.ToUpperInvariant());
    }

    [Theory]
    [MemberData(nameof(HttpFunctionNames))]
    public void Http_function_has_exactly_one_httpTrigger_and_one_http_output_so_it_can_be_proxied(string name)
    {
        var bindings = RepositoryFiles.Function(name).Bindings;

        Assert.Equal(2, bindings.Count);
        var trigger = Assert.Single(bindings, b => FunctionDefinition.Type(b) == "httpTrigger");
        Assert.Equal("in", trigger.GetProperty("direction").GetString());
        var output = Assert.Single(bindings, b => FunctionDefinition.Type(b) == "http");
        Assert.Equal("out", output.GetProperty("direction").GetString());
        Assert.NotEqual("$return", output.GetProperty("name").GetString());
    }

    [Fact]
    public void DailyCheck_is_a_timer_on_the_schedule_setting_with_the_alerts_queue_output()
    {
        var function = RepositoryFiles.Function(FunctionCatalog.DailyCheck);

        var trigger = function.Trigger;
        Assert.Equal("timerTrigger", FunctionDefinition.Type(trigger));
        Assert.Equal(FunctionCatalog.TimerBinding, trigger.GetProperty("name").GetString());
        Assert.Equal($"%{FunctionCatalog.ScheduleSetting}%", trigger.GetProperty("schedule").GetString());
        Assert.Equal([FunctionCatalog.AlertsOutputBinding], function.OutputBindingNames);
        var output = Assert.Single(function.Bindings, b => FunctionDefinition.Type(b) == "queue");
        Assert.Equal("out", output.GetProperty("direction").GetString());
        Assert.Equal(FunctionCatalog.AlertsQueue, output.GetProperty("queueName").GetString());
    }

    [Fact]
    public void AlertDispatcher_is_a_queue_trigger_on_the_alerts_queue_with_no_outputs()
    {
        var function = RepositoryFiles.Function(FunctionCatalog.AlertDispatcher);

        var trigger = function.Trigger;
        Assert.Equal("queueTrigger", FunctionDefinition.Type(trigger));
        Assert.Equal(FunctionCatalog.AlertTriggerBinding, trigger.GetProperty("name").GetString());
        Assert.Equal(FunctionCatalog.AlertsQueue, trigger.GetProperty("queueName").GetString());
        Assert.Empty(function.OutputBindingNames);
    }

    [Fact]
    public void No_function_uses_a_return_binding()
    {
        Assert.All(RepositoryFiles.Functions, f =>
            Assert.DoesNotContain(f.Bindings, b => b.GetProperty("name").GetString() == "$return"));
    }

    [Fact]
    public void Host_json_starts_the_packaged_handler_proxies_http_and_sets_bundle_timeout_and_queue_retries()
    {
        var host = ReadJson(RepositoryFiles.HostJson);

        Assert.Equal("2.0", host.GetProperty("version").GetString());
        var customHandler = host.GetProperty("customHandler");
        Assert.Equal("handler/UserSync.Functions", customHandler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(customHandler.GetProperty("enableProxyingHttpRequest").GetBoolean());
        var bundle = host.GetProperty("extensionBundle");
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", bundle.GetProperty("id").GetString());
        Assert.Equal("[4.*, 5.0.0)", bundle.GetProperty("version").GetString());
        var timeout = TimeSpan.Parse(host.GetProperty("functionTimeout").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(timeout > Http.AdminApi.RepairBudget, $"functionTimeout {timeout} must leave room for a repair ({Http.AdminApi.RepairBudget})");
        var queues = host.GetProperty("extensions").GetProperty("queues");
        Assert.True(TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, CultureInfo.InvariantCulture) > TimeSpan.Zero);
        Assert.True(queues.GetProperty("maxDequeueCount").GetInt32() >= 1);
        Assert.Equal("api", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void Sample_settings_name_a_schedule_the_handler_accepts_and_the_custom_worker_runtime()
    {
        var values = ReadJson(Path.Combine(RepositoryFiles.Root, "local.settings.sample.json")).GetProperty("Values");
        var options = new DailyCheckOptions { DailyCheckSchedule = values.GetProperty(FunctionCatalog.ScheduleSetting).GetString()! };

        Assert.True(new DailyCheckOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal("custom", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
    }

    // SchemaStore's function.json declares draft-04 but uses `const` (draft-06+), and the host
    // reads both files with draft-07 semantics: build both as draft-07, each in its own registry.
    private static JsonSchema Schema(string file)
    {
        var text = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.SchemasDirectory, file)))!.AsObject();
        text["$schema"] = "http://json-schema.org/draft-07/schema#";
        var options = new BuildOptions { Dialect = Dialect.Draft07, SchemaRegistry = new SchemaRegistry() };
        return JsonSchema.FromText(text.ToJsonString(), options);
    }

    private static EvaluationOptions EvaluationOptionsFor() => new() { OutputFormat = OutputFormat.List };

    private static JsonElement ReadJson(string path) => Json.Parse(File.ReadAllText(path));

    private static string Describe(EvaluationResults result) =>
        string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}")));
}
