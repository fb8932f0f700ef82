using UserSync.Infra.Tests.Bicep;

namespace UserSync.Infra.Tests;

/// <summary>The text reader the checks stand on: braces in strings and comments do not count, values come whole.</summary>
public sealed class BicepFileTests
{
    private const string Sample = """
        // A comment with a brace { and a quote '
        @secure()
        @description('The monitor\'s password; braces } in strings do not count')
        param secret string

        param plain string = 'a{b'

        var query = '''
        AppTraces
        | where Message contains "}"
        '''

        resource thing 'Microsoft.Example/things@2024-01-01' = {
          name: 'thing-${plain}'
          properties: {
            text: 'x}y' // a comment }
            nested: {
              deep: 1
            }
            list: [
              'a'
            ]
            interpolated: '${union({ a: 1 }, { b: 2 })}'
          }
        }

        output answer string = thing.name
        """;

    [Fact]
    public void Params_carry_their_default_and_secure_decorator()
    {
        var file = new BicepFile("sample.bicep", Sample);

        Assert.Equal(
            [new BicepParam("sample.bicep", "secret", "string", null, true), new BicepParam("sample.bicep", "plain", "string", "'a{b'", false)],
            file.Params());
    }

    [Fact]
    public void Object_members_are_read_whole_despite_braces_in_strings_and_comments()
    {
        var resource = Assert.Single(new BicepFile("sample.bicep", Sample).Resources());

        Assert.Equal("Microsoft.Example/things", resource.TypeName);
        Assert.Equal(["name", "properties"], resource.Entries.Select(e => e.Key));
        Assert.Equal(["text", "nested", "list", "interpolated"], resource.Members("properties").Select(e => e.Key));
        Assert.Equal("'x}y'", resource.Members("properties")[0].Value.Trim());
    }

    [Fact]
    public void Multi_line_string_vars_resolve_to_their_content()
    {
        var file = new BicepFile("sample.bicep", Sample);

        Assert.Equal("AppTraces\n| where Message contains \"}\"\n", file.LiteralOf("query"));
        Assert.Equal("a{b", file.LiteralOf("plain"));
        Assert.Null(BicepFile.Literal("'thing-${plain}'"));
    }

    [Fact]
    public void Outputs_and_modules_are_found_but_not_inside_strings()
    {
        var file = new BicepFile("sample.bicep", Sample + "\nvar text = 'module fake \\'x.bicep\\''\nmodule real 'modules/real.bicep' = {\n  name: 'real'\n}\n");

        Assert.Equal(["modules/real.bicep"], file.ModulePaths());
        Assert.Equal("thing.name", Assert.Single(file.Outputs()).Value);
    }

    [Fact]
    public void A_module_that_does_not_exist_is_reported()
    {
        var texts = Repository.Template.Texts.Where(t => t.Key != "modules/alerts.bicep").ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);

        Assert.Throws<FileNotFoundException>(() => InfraTemplate.From(texts));
    }

    [Fact]
    public void The_template_reaches_every_module_file()
    {
        var modules = Repository.Template.Texts.Keys.Where(k => k.StartsWith("modules/", StringComparison.Ordinal) && k.EndsWith(".bicep", StringComparison.Ordinal));

        Assert.Equal(modules.Order(StringComparer.Ordinal), Repository.Template.Files.Skip(1).Select(f => f.Path).Order(StringComparer.Ordinal));
    }
}
