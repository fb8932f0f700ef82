using UserSync.Core.Alerts;

namespace UserSync.Core.Tests.Alerts;

public sealed class PiiMaskerTests
{
    [Fact]
    public void MaskEmail_keeps_the_first_letter_and_the_domain()
    {
        var masked = PiiMasker.MaskEmail("john@example.com");

        Assert.Equal("j***@example.com", masked);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void MaskEmail_says_no_email_when_there_is_none(string? email)
    {
        var masked = PiiMasker.MaskEmail(email);

        Assert.Equal("(no email)", masked);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("@example.com")]
    public void MaskEmail_hides_everything_when_there_is_no_local_part_and_domain(string email)
    {
        var masked = PiiMasker.MaskEmail(email);

        Assert.Equal("***", masked);
    }

    [Fact]
    public void ShortenId_gives_the_first_eight_hex_digits()
    {
        var id = Guid.Parse("0123abcd-4567-89ef-0123-456789abcdef");

        var shortened = PiiMasker.ShortenId(id);

        Assert.Equal("0123abcd", shortened);
    }
}
