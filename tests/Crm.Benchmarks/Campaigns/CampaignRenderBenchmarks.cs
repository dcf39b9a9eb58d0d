using BenchmarkDotNet.Attributes;
using Crm.Benchmarks.Reporting;
using Crm.Hub.Templates;

namespace Crm.Benchmarks.Campaigns;

/// <summary>
/// The render half of issue 6's "render + enqueue" budget: one campaign SMS per recipient from a built-in template (a
/// greeting, two attributes and the campaign name), English and Persian, through <see cref="CampaignTemplates"/> as the runner
/// calls it. The baseline is the same text built with string interpolation, so the figure is the cost of the template engine.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[Config(typeof(PercentilesConfig))]
public class CampaignRenderBenchmarks
{
    private const string Body = "Hi {{ contact.first_name }}, your appointment is on {{ contact.attributes.appointment_date }} at "
        + "{{ contact.attributes.appointment_time }}. Reply STOP to opt out. {{ campaign.name }}";
    private const string PersianBody = "سلام {{ contact.first_name }}، نوبت شما {{ contact.attributes.appointment_date }} ساعت "
        + "{{ contact.attributes.appointment_time }} است. برای لغو ارسال STOP بفرستید. {{ campaign.name }}";

    private readonly TemplateCampaign _campaign = new("Winter check-ups", null);
    private CampaignTemplates _templates = null!;
    private CampaignTemplate _english = null!;
    private CampaignTemplate _persian = null!;
    private TemplateContact[] _contacts = null!;
    private int _next;

    [GlobalSetup]
    public void SetUp()
    {
        _templates = new CampaignTemplates(TimeProvider.System);
        _english = _templates.Compile(Body, TemplateSyntax.Scriban);
        _persian = _templates.Compile(PersianBody, TemplateSyntax.Scriban);
        _contacts = [.. Enumerable.Range(0, 1024).Select(i => new TemplateContact($"Sara Ahmadi {i}", null, $"+98912{i:0000000}", i % 2 == 0 ? "en" : "fa",
            new Dictionary<string, string> { ["appointment_date"] = "2026-12-01", ["appointment_time"] = $"{9 + i % 8}:30" }))];
    }

    [GlobalCleanup]
    public void CleanUp() => _templates.Dispose();

    [Benchmark(Baseline = true)]
    public string Interpolated()
    {
        var c = _contacts[_next++ & 1023];
        return $"Hi {c.FirstName}, your appointment is on {c.Attributes!["appointment_date"]} at {c.Attributes["appointment_time"]}. Reply STOP to opt out. {_campaign.Name}";
    }

    [Benchmark]
    public string? RenderedFromTheTemplate()
    {
        var c = _contacts[_next++ & 1023];
        return _templates.Render(c.Locale == "fa" ? _persian : _english, c, _campaign).Output;
    }
}
