using System.Net;
using System.Net.Http.Headers;
using Crm.Hub.OptOut;
using Crm.Hub.Tests.Support;

namespace Crm.Hub.Tests.OptOut;

/// <summary>The unsubscribe link of a campaign email: a confirmation page, the button's POST, a mail client's one-click POST.</summary>
public sealed class UnsubscribeTests(HubServer hub) : IClassFixture<HubServer>
{
    private static string NewAddress() => $"reader-{Guid.NewGuid():N}@example.test";

    [Fact]
    public async Task GetShowsAConfirmationAndUnsubscribesNobody()
    {
        var address = NewAddress();
        var (_, ids) = await OptOutSeed.ContactAsync(hub, "Reader", ("email", "news@shop.test", address));
        using var client = hub.Client();

        var page = await client.GetAsync($"/u/{OptOutSeed.Token(hub, ids[0])}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\"", html);
        Assert.Contains("lang=\"en\" dir=\"ltr\"", html);
        Assert.DoesNotContain(address, html);
        Assert.Contains("@example.test", html);
        Assert.All(await OptOutSeed.IdentitiesAsync(hub, "email", address), i => Assert.Null(i.OptedOutAt));
        Assert.Empty(await OptOutSeed.RecordsAsync(hub, address));
    }

    [Fact]
    public async Task PersianBrowserGetsTheRightToLeftPage()
    {
        var (_, ids) = await OptOutSeed.ContactAsync(hub, "Sara", ("email", "news@shop.test", NewAddress()));
        using var client = hub.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/u/{OptOutSeed.Token(hub, ids[0])}");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("fa-IR"));
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en", 0.5));

        var html = await (await client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Contains("lang=\"fa\" dir=\"rtl\"", html);
        Assert.Contains("لغو اشتراک", html);
    }

    [Fact]
    public async Task ButtonPostOptsOutTheAddressOnEveryAccountAndRecordsTheCampaign()
    {
        var address = NewAddress();
        var campaign = Guid.NewGuid();
        var (contactId, ids) = await OptOutSeed.ContactAsync(hub, "Reader", ("email", "news@shop.test", address), ("email", "billing@shop.test", address));
        using var client = hub.Client();
        using var form = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);

        var done = await client.PostAsync($"/u/{OptOutSeed.Token(hub, ids[0], campaign)}", form);

        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("You are unsubscribed", await done.Content.ReadAsStringAsync());
        var identities = await OptOutSeed.IdentitiesAsync(hub, "email", address);
        Assert.Equal(2, identities.Count);
        Assert.All(identities, i => Assert.NotNull(i.OptedOutAt));
        var record = Assert.Single(await OptOutSeed.RecordsAsync(hub, address));
        Assert.Equal(OptOutAction.OptedOut, record.Action);
        Assert.Equal(OptOutSources.UnsubscribeLink, record.Source);
        Assert.Equal(campaign, record.CampaignId);
        Assert.Equal(contactId, record.ContactId);
        Assert.Null(record.AgentId);
    }

    [Fact]
    public async Task OneClickPostWithoutCookiesIsIdempotent()
    {
        var address = NewAddress();
        var (_, ids) = await OptOutSeed.ContactAsync(hub, "Reader", ("email", "news@shop.test", address));
        var token = OptOutSeed.Token(hub, ids[0]);
        using var client = hub.Client();

        // Exactly what a mail client sends for RFC 8058: no cookie, no referer, this body.
        using var first = new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
        var once = await client.PostAsync($"/u/{token}", first);
        using var second = new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
        var twice = await client.PostAsync($"/u/{token}", second);

        Assert.Equal(HttpStatusCode.OK, once.StatusCode);
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Contains("already unsubscribed", await twice.Content.ReadAsStringAsync());
        var optedOutAt = Assert.Single(await OptOutSeed.IdentitiesAsync(hub, "email", address)).OptedOutAt;
        Assert.NotNull(optedOutAt);
        Assert.Single(await OptOutSeed.RecordsAsync(hub, address));

        var page = await (await client.GetAsync($"/u/{token}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<form", page);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("%F0%9F%92%A9")]
    public async Task ForgedOrDamagedTokenIsABadRequestPage(string token)
    {
        using var client = hub.Client();
        var get = await client.GetAsync($"/u/{token}");
        using var body = new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
        var post = await client.PostAsync($"/u/{token}", body);

        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("Link not valid", await post.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TamperedTokenOfARealAddressUnsubscribesNobody()
    {
        var address = NewAddress();
        var (_, ids) = await OptOutSeed.ContactAsync(hub, "Reader", ("email", "news@shop.test", address));
        var token = OptOutSeed.Token(hub, ids[0]);
        var tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];
        using var client = hub.Client();

        var post = await client.PostAsync($"/u/{tampered}", null);

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Null(Assert.Single(await OptOutSeed.IdentitiesAsync(hub, "email", address)).OptedOutAt);
    }

    [Fact]
    public async Task ValidTokenOfAnIdentityThatNoLongerExistsIsABadRequestPage()
    {
        using var client = hub.Client();
        var post = await client.PostAsync($"/u/{OptOutSeed.Token(hub, Guid.NewGuid())}", null);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }
}
