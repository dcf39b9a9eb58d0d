using Crm.Hub.Tests.Support;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>A supervisor builds an escalation ladder in the console, meets the overflow-cycle check, previews, and rolls the policy back.</summary>
public sealed class RoutingPolicyPageTests(HubServer hub) : IClassFixture<HubServer>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task SupervisorSetsUpAnEscalationLadderSeesTheCycleRefusedAndRestoresAnEarlierPolicy()
    {
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GetByTestId("nav-routing").ClickAsync();
        var form = page.GetByTestId("queue-form");
        foreach (var (name, words) in new[] { ("Billing desk", "invoice"), ("Night desk", "urgent-night") })
        {
            await page.GetByTestId("queue-add").ClickAsync();
            await form.GetByLabel("Name").FillAsync(name);
            await form.GetByLabel("Words").FillAsync(words);
            await page.GetByTestId("queue-save").ClickAsync();
            await Assertions.Expect(page.Locator($"[data-testid=queue-row][data-name='{name}']")).ToBeVisibleAsync();
        }

        var billing = page.Locator("[data-testid=queue-row][data-name='Billing desk']");
        await billing.GetByTestId("queue-edit").ClickAsync();
        await page.GetByTestId("queue-overflow").SelectOptionAsync(new SelectOptionValue { Label = "Night desk" });
        await form.GetByLabel("Overflow after (minutes)").FillAsync("2");
        await form.GetByLabel("Alert supervisor after (minutes)").FillAsync("5");
        await page.GetByTestId("queue-language-fa").CheckAsync();
        await page.GetByTestId("queue-save").ClickAsync();
        await Assertions.Expect(billing.GetByTestId("queue-escalation")).ToHaveTextAsync("to Night desk after 2 min · alert after 5 min");
        await Assertions.Expect(billing).ToContainTextAsync("in Persian");

        // Night desk overflowing back to Billing desk would loop: refused at the field, with the circle named.
        var night = page.Locator("[data-testid=queue-row][data-name='Night desk']");
        await night.GetByTestId("queue-edit").ClickAsync();
        await page.GetByTestId("queue-overflow").SelectOptionAsync(new SelectOptionValue { Label = "Billing desk" });
        await form.GetByLabel("Overflow after (minutes)").FillAsync("1");
        await page.GetByTestId("queue-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("queue-overflow-error")).ToHaveTextAsync("Overflow would go round in a circle: Night desk → Billing desk → Night desk.");
        await form.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // The preview names the language, the ladder and why each queue before did not take it.
        await page.GetByTestId("preview-channel").SelectOptionAsync("webchat");
        await page.GetByTestId("preview-text").FillAsync("سلام، invoice من کجاست؟");
        await Assertions.Expect(page.GetByTestId("preview-queue")).ToHaveTextAsync("Billing desk");
        await Assertions.Expect(page.GetByTestId("preview-ladder")).ToHaveTextAsync("Escalation: after 120 s: Night desk");
        await Assertions.Expect(page.GetByTestId("preview-result")).ToContainTextAsync("language: Persian");

        // History: restoring the version before the ladder was added takes it away again, as a new version.
        var history = page.GetByTestId("policy-history");
        var versions = history.GetByTestId("policy-version");
        await Assertions.Expect(versions.First).ToContainTextAsync("queue Billing desk updated");
        var before = await versions.Nth(1).GetAttributeAsync("data-version");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await versions.Nth(1).GetByTestId("policy-restore").ClickAsync();
        await Assertions.Expect(versions.First).ToContainTextAsync($"version {before} restored");
        await Assertions.Expect(billing.GetByTestId("queue-escalation")).ToHaveTextAsync("—");
        Assert.Empty(errors);
    }
}
