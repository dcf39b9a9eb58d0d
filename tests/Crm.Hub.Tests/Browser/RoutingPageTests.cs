using Crm.Hub.Tests.Support;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>A supervisor defines a queue in the console, sees the server's validation at the field, and previews where a message goes.</summary>
public sealed class RoutingPageTests(HubServer hub) : IClassFixture<HubServer>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task SupervisorCreatesAQueueAndThePreviewSendsAComplaintThere()
    {
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GetByTestId("nav-routing").ClickAsync();
        await Assertions.Expect(page.GetByTestId("queues-empty")).ToBeVisibleAsync();

        await page.GetByTestId("queue-add").ClickAsync();
        var form = page.GetByTestId("queue-form");
        await form.GetByLabel("Priority").FillAsync("12");
        await page.GetByTestId("queue-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("queue-name-error")).ToContainTextAsync("name");
        await Assertions.Expect(page.GetByTestId("queue-priority-error")).ToContainTextAsync("Priority is 0");

        await form.GetByLabel("Name").FillAsync("Complaints");
        await form.GetByLabel("Priority").FillAsync("5");
        await form.GetByLabel("First-response SLA (minutes)").FillAsync("10");
        await form.GetByLabel("Words").FillAsync("broken, شکایت");
        await page.GetByTestId("queue-channel-sms").CheckAsync();
        await page.GetByTestId("queue-channel-email").CheckAsync();
        // A skill nobody has is refused at its field: the queue could never be served.
        await form.GetByLabel("Skill").FillAsync("klingon");
        await page.GetByTestId("queue-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("queue-skill-error")).ToContainTextAsync("No agent has the skill 'klingon'");
        await form.GetByLabel("Skill").FillAsync("");
        await page.GetByTestId("queue-save").ClickAsync();

        var row = page.Locator("[data-testid=queue-row][data-name=Complaints]");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row).ToContainTextAsync("SMS, Email");
        await Assertions.Expect(row).ToContainTextAsync("10 min");
        await Assertions.Expect(row).ToContainTextAsync("v1");
        // The signed-in admin handles SMS and email, so the queue has someone online to serve it.
        await Assertions.Expect(row.GetByTestId("queue-staffing")).ToHaveAttributeAsync("data-online", "1");

        await page.GetByTestId("preview-channel").SelectOptionAsync("sms");
        await page.GetByTestId("preview-text").FillAsync("My vase arrived broken");
        await Assertions.Expect(page.GetByTestId("preview-queue")).ToHaveTextAsync("Complaints");
        await page.GetByTestId("preview-channel").SelectOptionAsync("telegram");
        await Assertions.Expect(page.GetByTestId("preview-queue")).ToHaveTextAsync("no queue (priority 0, no SLA)");

        // Editing bumps the version; the next conversation would use it.
        await row.GetByTestId("queue-edit").ClickAsync();
        await form.GetByLabel("Priority").FillAsync("7");
        await page.GetByTestId("queue-save").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("v2");
        Assert.Empty(errors);
    }
}
