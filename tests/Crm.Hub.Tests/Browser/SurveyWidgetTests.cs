using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Storage;
using Crm.Hub.Surveys;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>A hub that surveys a second after resolution.</summary>
public sealed class QuickSurveyHub : HubServer
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Crm:Surveys:DelayAfterResolve"] = "00:00:01",
        ["Crm:Surveys:SweepInterval"] = "00:00:00.100",
    };
}

/// <summary>The widget's survey card in real Chromium, and the supervisor's follow-up list the low score lands in.</summary>
public sealed class SurveyWidgetTests(QuickSurveyHub hub) : IClassFixture<QuickSurveyHub>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    private async Task<IPage> OpenAsync(string path)
    {
        var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = hub.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        return page;
    }

    private async Task<(IPage Site, Guid ConversationId)> ResolvedChatAsync(string visitor, string text)
    {
        var site = await OpenAsync("/demo");
        await site.GetByTestId("crm-launcher").ClickAsync();
        await site.GetByTestId("crm-prechat-name").FillAsync(visitor);
        await site.GetByTestId("crm-prechat-start").ClickAsync();
        await site.GetByTestId("crm-input").FillAsync(text);
        await site.GetByTestId("crm-send").ClickAsync();
        await Assertions.Expect(site.GetByTestId("crm-message").Filter(new() { HasText = text })).ToHaveAttributeAsync("data-status", "sent");
        using var admin = hub.Client(await hub.TokenAsync());
        var id = await Wait.UntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).EnumerateArray()
            .Where(c => c.GetProperty("lastMessagePreview").GetString() == text).Select(c => (Guid?)c.GetProperty("id").GetGuid()).FirstOrDefault());
        (await admin.PostAsync($"/api/v1/conversations/{id}/resolve", null)).EnsureSuccessStatusCode();
        return (site, id);
    }

    private async Task<SurveyRequest?> SurveyAsync(Guid conversationId)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().SurveyRequests.AsNoTracking().FirstOrDefaultAsync(s => s.ConversationId == conversationId);
    }

    [Fact]
    public async Task TheVisitorScoresWithAButtonAndTheCardThanksThem()
    {
        var (site, id) = await ResolvedChatAsync("Button Bita", "Can I change my delivery address?");

        var card = site.GetByTestId("crm-survey");
        await Assertions.Expect(card).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var buttons = card.GetByTestId("crm-survey-score");
        await Assertions.Expect(buttons).ToHaveCountAsync(5);
        await Assertions.Expect(card).ToContainTextAsync("Very dissatisfied");
        await buttons.Filter(new() { HasText = "4" }).ClickAsync();

        await Assertions.Expect(card.GetByTestId("crm-survey-done")).ToContainTextAsync("4");
        await Assertions.Expect(buttons).ToHaveCountAsync(0);
        var survey = await Wait.UntilFoundAsync(async () => await SurveyAsync(id) is { State: SurveyState.Answered } s ? s : null);
        Assert.Equal((4, "webchat"), (survey.Score!.Value, survey.AnsweredVia));

        // After a reload the card still shows the answer, not the buttons.
        await site.ReloadAsync();
        await site.GetByTestId("crm-launcher").ClickAsync();
        await Assertions.Expect(site.GetByTestId("crm-survey-done")).ToContainTextAsync("4");
    }

    [Fact]
    public async Task ALowWidgetScoreShowsUpInTheSupervisorsFollowUpsAndCanBeClosed()
    {
        var (site, id) = await ResolvedChatAsync("Low Leila", "The coupon did not work");
        var card = site.GetByTestId("crm-survey");
        await Assertions.Expect(card).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await card.GetByTestId("crm-survey-score").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^1$") }).ClickAsync();
        await Assertions.Expect(card.GetByTestId("crm-survey-done")).ToBeVisibleAsync();

        var console = await OpenAsync("/app/");
        await console.Locator("#login-email").FillAsync(HubServer.AdminEmail);
        await console.Locator("#login-password").FillAsync(HubServer.AdminPassword);
        await console.GetByTestId("login-submit").ClickAsync();
        await console.GetByTestId("nav-follow-ups").ClickAsync();
        var item = console.GetByTestId("follow-up").Filter(new() { HasText = "Low Leila" });
        await Assertions.Expect(item).ToContainTextAsync("CSAT 1");
        await Assertions.Expect(item).ToHaveAttributeAsync("data-reason", "low-score");
        await item.GetByTestId("follow-up-note").FillAsync("Sent a new coupon");
        await item.GetByTestId("follow-up-done").ClickAsync();
        await Assertions.Expect(console.GetByTestId("follow-up").Filter(new() { HasText = "Low Leila" })).ToHaveCountAsync(0);
        await console.GetByTestId("follow-ups-done").ClickAsync();
        await Assertions.Expect(console.GetByTestId("follow-up").Filter(new() { HasText = "Low Leila" })).ToContainTextAsync("Sent a new coupon");

        // The conversation's contact card shows the score.
        await console.GotoAsync($"/app/c/{id}");
        await Assertions.Expect(console.GetByTestId("survey-panel").GetByTestId("survey-score")).ToContainTextAsync("1");
    }
}
