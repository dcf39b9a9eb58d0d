using Crm.Hub.Tests.Support;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>
/// A marketer writes a template: the preview follows the typing with the SMS segment count, a template that does not parse
/// shows its error at line and column (a click puts the cursor there) and is not saved; fixed, it saves in both languages,
/// and a built-in template can be copied as a starting point.
/// </summary>
public sealed class TemplatesPageTests(HubServer hub) : IClassFixture<HubServer>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task MarketerWritesPreviewsFixesAndSavesATemplate()
    {
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GetByTestId("nav-templates").ClickAsync();
        await Assertions.Expect(page.GetByTestId("templates-empty")).ToBeVisibleAsync();

        await page.GetByTestId("template-add").ClickAsync();
        await page.GetByTestId("template-name").FillAsync("Flu shots");
        var body = page.GetByTestId("template-body");
        await body.FillAsync("Hi {{ contact.first_name }}, flu shots are here.\n{{ if contact.name }}");
        await Assertions.Expect(page.GetByTestId("template-error")).ToContainTextAsync("line 2, column");
        await page.GetByTestId("template-error").First.ClickAsync();
        var caretLine = await body.EvaluateAsync<int>("el => el.value.slice(0, el.selectionStart).split('\\n').length");
        Assert.Equal(2, caretLine);
        await page.GetByTestId("template-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("tpl-body-error")).ToContainTextAsync("Line 2, column");

        await body.FillAsync("Hi {{ contact.first_name }}, flu shots are here.");
        await Assertions.Expect(page.GetByTestId("preview-text")).ToHaveTextAsync("Hi Alex, flu shots are here.");
        await Assertions.Expect(page.GetByTestId("preview-sms")).ToContainTextAsync("1 SMS segment(s), GSM7");
        await page.GetByTestId("template-locale-fa").ClickAsync();
        await Assertions.Expect(body).ToHaveAttributeAsync("dir", "rtl");
        await body.FillAsync("سلام {{ contact.first_name }}، واکسن آنفولانزا رسید.");
        await Assertions.Expect(page.GetByTestId("preview-text")).ToHaveTextAsync("سلام مریم، واکسن آنفولانزا رسید.");
        await Assertions.Expect(page.GetByTestId("preview-sms")).ToContainTextAsync("UCS2");
        await page.GetByTestId("template-save").ClickAsync();

        var row = page.Locator("[data-testid=template-row][data-name='Flu shots']");
        await Assertions.Expect(row).ToContainTextAsync("English · Persian");
        await row.GetByTestId("template-edit").ClickAsync();
        await Assertions.Expect(body).ToHaveValueAsync("Hi {{ contact.first_name }}, flu shots are here.");

        await page.GetByTestId("builtin-use-appointment-reminder").ClickAsync();
        await Assertions.Expect(page.GetByTestId("template-body")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("appointment", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        await Assertions.Expect(page.GetByTestId("preview-text")).ToContainTextAsync("Alex");
        // As an email the same text keeps its subject, and the body shows in a sandboxed frame.
        await page.GetByTestId("template-channel").SelectOptionAsync("email");
        await Assertions.Expect(page.GetByTestId("preview-subject")).ToContainTextAsync("appointment", new() { IgnoreCase = true });
        await Assertions.Expect(page.GetByTestId("preview-html")).ToHaveAttributeAsync("sandbox", "");
        Assert.Empty(errors);
    }
}
