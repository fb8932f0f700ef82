using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UserSync.Alerts.Channels;

namespace UserSync.Alerts.Tests.Email;

public sealed class EmailProviderSelectionTests
{
    [Theory]
    [InlineData("acs", typeof(AcsEmailChannel))]
    [InlineData("SendGrid", typeof(SendGridEmailChannel))]
    public void The_configured_provider_is_the_one_email_channel(string provider, Type expected)
    {
        var configuration = Configuration(provider);
        var services = new ServiceCollection();

        services.AddEmailChannel(configuration);

        var channel = Assert.Single(services, d => d.ServiceType == typeof(IAlertChannel));
        Assert.Contains(services, d => d.ServiceType == expected);
        Assert.DoesNotContain(services, d => d.ServiceType == (expected == typeof(AcsEmailChannel) ? typeof(SendGridEmailChannel) : typeof(AcsEmailChannel)));
        Assert.NotNull(channel.ImplementationFactory);
    }

    [Fact]
    public void No_provider_registers_no_email_channel()
    {
        var services = new ServiceCollection();

        services.AddEmailChannel(Configuration(null));

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IAlertChannel));
    }

    [Fact]
    public void An_unknown_provider_is_a_start_up_error_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddEmailChannel(Configuration("smtp")));

        Assert.Contains("UserSync:Alerts:Email:Provider", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string? provider) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["UserSync:Alerts:Email:Provider"] = provider }).Build();
}
