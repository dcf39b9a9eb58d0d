using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Crm.Hub.Templates;

internal enum TemplateSyntax
{
    Scriban,
    Liquid,
}

/// <summary>Where a template went wrong, 1-based, for the editor to point at.</summary>
public sealed record TemplateError(int Line, int Column, string Message);

/// <summary>All a template may read of a contact. <see cref="Attributes"/> are the contact's custom fields.</summary>
internal sealed record TemplateContact(string? Name, string? Email, string? Phone, string Locale, IReadOnlyDictionary<string, string>? Attributes = null)
{
    /// <summary>The first word of the name: what a greeting uses.</summary>
    public string? FirstName => Name?.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}

/// <summary>All a template may read of the campaign it is sent for.</summary>
internal sealed record TemplateCampaign(string Name, string? UnsubscribeUrl);

/// <summary>A parsed template, or the errors that kept it from parsing.</summary>
internal sealed class CampaignTemplate
{
    internal CampaignTemplate(Template parsed, TemplateSyntax syntax)
    {
        Parsed = parsed;
        Syntax = syntax;
        Errors = [.. parsed.Messages.Where(m => m.Type == ParserMessageType.Error).Select(m => At(m.Span, m.Message))];
    }

    internal Template Parsed { get; }

    internal TemplateSyntax Syntax { get; }

    public IReadOnlyList<TemplateError> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>Scriban counts lines and columns from 0.</summary>
    internal static TemplateError At(SourceSpan span, string message) => new(span.Start.Line + 1, span.Start.Column + 1, message);
}

/// <summary>The text a template produced, or why it could not produce it (a runtime error, a limit reached).</summary>
internal sealed record RenderResult(string? Output, IReadOnlyList<TemplateError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Campaign templates written by marketers (PROTOCOLS §7), in Scriban or Liquid syntax. A template is parsed once per
/// content (a bounded cache keyed by its hash) and rendered in a sandbox: a context (reused per thread, its builtins frozen) that holds only
/// <c>contact</c> and <c>campaign</c> (plain values, no .NET object), loop, recursion, string and output limits, and a
/// time limit. What a user got wrong comes back as errors with line and column, never as an exception.
/// </summary>
internal sealed class CampaignTemplates(TimeProvider time) : IDisposable
{
    public const int MaxOutputLength = 64 * 1024;
    public static readonly TimeSpan RenderTimeout = TimeSpan.FromSeconds(2);

    private readonly MemoryCache _parsed = new(new MemoryCacheOptions { SizeLimit = 1024 });

    public CampaignTemplate Compile(string body, TemplateSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(body);
        var key = $"{syntax}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}";
        return _parsed.GetOrCreate(key, entry =>
        {
            entry.Size = 1;
            return new CampaignTemplate(syntax == TemplateSyntax.Liquid ? Template.ParseLiquid(body) : Template.Parse(body), syntax);
        })!;
    }

    /// <param name="template">What <see cref="Compile"/> returned.</param>
    /// <param name="contact">The recipient.</param>
    /// <param name="campaign">The campaign the message is sent for.</param>
    /// <param name="html">
    /// For an HTML email: every value the template outputs is HTML-encoded, while the template's own markup is written
    /// as it is. (So <c>html.escape</c> is not needed, and would encode twice.)
    /// </param>
    /// <param name="strict">An unknown variable is an error (the editor's preview) rather than empty (a send).</param>
    public RenderResult Render(CampaignTemplate template, TemplateContact contact, TemplateCampaign campaign, bool html = false, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(campaign);
        if (!template.IsValid)
        {
            return new RenderResult(null, template.Errors);
        }
        using var timeout = new CancellationTokenSource(RenderTimeout, time);
        var context = RentContext(template.Syntax, html);
        context.LoopLimit = 1000;
        context.RecursiveLimit = 20;
        context.ObjectRecursionLimit = 20;
        context.LimitToString = 10_000;
        context.OutputLimit = MaxOutputLength;
        context.OnOutputLimit = ScriptLimitBehavior.Throw;
        context.RegexTimeOut = TimeSpan.FromMilliseconds(200);
        context.StrictVariables = strict;
        // Lenient sends read a member of a missing object as empty; the strict preview names the misspelled variable instead.
        context.EnableRelaxedMemberAccess = !strict;
        context.EnableRelaxedTargetAccess = !strict;
        context.CancellationToken = timeout.Token;
        context.PushCulture(CultureInfo.GetCultureInfo(contact.Locale == "fa" ? "fa-IR" : "en-US"));
        context.PushGlobal(Model(contact, campaign));
        RenderResult result;
        try
        {
            result = new RenderResult(template.Parsed.Render(context), []);
        }
        catch (ScriptAbortException e) when (timeout.IsCancellationRequested)
        {
            return new RenderResult(null, [CampaignTemplate.At(e.Span, $"The template took longer than {RenderTimeout.TotalSeconds:0} s to render.")]);
        }
        catch (ScriptRuntimeException e)
        {
            return new RenderResult(null, [CampaignTemplate.At(e.Span, e.OriginalMessage)]);
        }
        // Only a context that finished cleanly goes back: one a limit or an error interrupted is left to the collector.
        ReturnContext(context, template.Syntax, html);
        return result;
    }

    public void Dispose() => _parsed.Dispose();

    /// <summary>
    /// A context per thread and kind, reused: building one registers every builtin function (about 35 KB and most of a
    /// render's time), so a campaign of a million messages would spend its time there. Reuse keeps the sandbox: the
    /// builtins are frozen (a template cannot add to <c>string</c> or <c>date</c> for the next recipient), and
    /// <see cref="TemplateContext.Reset"/> drops the previous recipient's model, output and culture.
    /// </summary>
    [ThreadStatic]
    private static TemplateContext?[]? t_contexts;

    private static TemplateContext RentContext(TemplateSyntax syntax, bool html)
    {
        var slots = t_contexts ??= new TemplateContext?[4];
        var slot = SlotOf(syntax, html);
        var context = slots[slot];
        slots[slot] = null;
        return context ?? Freeze((syntax, html) switch
        {
            // Liquid's filters (upcase, truncate...) are Scriban's builtins under Liquid names, which only the Liquid context maps.
            (TemplateSyntax.Liquid, true) => new HtmlEncodingLiquidContext(),
            (TemplateSyntax.Liquid, false) => new LiquidTemplateContext(),
            (_, true) => new HtmlEncodingContext(),
            _ => new TemplateContext(),
        });
    }

    private static void ReturnContext(TemplateContext context, TemplateSyntax syntax, bool html)
    {
        context.Reset();
        context.CancellationToken = CancellationToken.None;
        t_contexts![SlotOf(syntax, html)] = context;
    }

    private static int SlotOf(TemplateSyntax syntax, bool html) => (syntax == TemplateSyntax.Liquid ? 2 : 0) + (html ? 1 : 0);

    private static TemplateContext Freeze(TemplateContext context)
    {
        var builtins = context.BuiltinObject;
        foreach (var name in builtins.GetMembers())
        {
            if (builtins[name] is ScriptObject module)
            {
                module.IsReadOnly = true;
            }
        }
        builtins.IsReadOnly = true;
        return context;
    }

    private static ScriptObject Model(TemplateContact contact, TemplateCampaign campaign)
    {
        var attributes = new ScriptObject();
        foreach (var (name, value) in contact.Attributes ?? new Dictionary<string, string>())
        {
            attributes[name] = value;
        }
        return new ScriptObject
        {
            ["contact"] = new ScriptObject
            {
                ["name"] = contact.Name,
                ["first_name"] = contact.FirstName,
                ["email"] = contact.Email,
                ["phone"] = contact.Phone,
                ["locale"] = contact.Locale,
                ["attributes"] = attributes,
            },
            ["campaign"] = new ScriptObject
            {
                ["name"] = campaign.Name,
                ["unsubscribe_url"] = campaign.UnsubscribeUrl,
            },
        };
    }

    /// <summary>
    /// Encodes what expressions write to the page, not the template's literal text (written through another path).
    /// Inside a <c>capture</c> (a pushed output) values are kept as they are and encoded once, when the captured text
    /// is itself written to the page.
    /// </summary>
    private sealed class HtmlEncodingContext : TemplateContext
    {
        public override TemplateContext Write(SourceSpan span, object? textAsObject) => base.Write(span, Encode(this, textAsObject));
    }

    /// <inheritdoc cref="HtmlEncodingContext"/>
    private sealed class HtmlEncodingLiquidContext : LiquidTemplateContext
    {
        public override TemplateContext Write(SourceSpan span, object? textAsObject) => base.Write(span, Encode(this, textAsObject));
    }

    private static object? Encode(TemplateContext context, object? value) =>
        value is not null && context.OutputCount <= 1 ? WebUtility.HtmlEncode(context.ObjectToString(value, false)) : value;
}
