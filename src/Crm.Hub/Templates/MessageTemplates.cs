using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Scriban;
using Scriban.Runtime;

namespace Crm.Hub.Templates;

/// <summary>Where the hub's message templates are read from.</summary>
internal sealed class TemplateOptions
{
    public const string Section = "Crm:Templates";

    /// <summary>A folder laid out like the repository's <c>templates/</c>; defaults to the copy next to the hub.</summary>
    public string? Directory { get; set; }
}

/// <summary>A template that does not parse, with where.</summary>
internal sealed class TemplateException(string message) : Exception(message);

/// <summary>
/// Scriban templates from <c>templates/</c> (PROTOCOLS §7): parsed once per content hash, rendered with a fresh, limited context over
/// only the model given, so a template can neither loop forever nor reach into the hub.
/// </summary>
internal sealed class MessageTemplates(Microsoft.Extensions.Options.IOptions<TemplateOptions> options)
{
    private readonly ConcurrentDictionary<string, Template> _parsed = new();

    public string Root => options.Value.Directory is { Length: > 0 } d ? d : Path.Combine(AppContext.BaseDirectory, "templates");

    /// <summary>Renders <c>{folder}/{name}.{locale}.sbn</c>, falling back to English; null when neither file exists.</summary>
    public string? Render(string folder, string name, string locale, IReadOnlyDictionary<string, object?> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var path = new[] { locale, "en" }.Select(l => Path.Combine(Root, folder, $"{name}.{l}.sbn")).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }
        var text = File.ReadAllText(path);
        var key = path + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var template = _parsed.GetOrAdd(key, _ => Template.Parse(text, path));
        if (template.HasErrors)
        {
            throw new TemplateException($"{path}: {string.Join("; ", template.Messages.Select(m => m.ToString()))}");
        }
        var globals = ToScriptObject(model);
        var context = new TemplateContext
        {
            LoopLimit = 1000,
            RecursiveLimit = 20,
            LimitToString = 100_000,
            StrictVariables = false,
            EnableRelaxedMemberAccess = true,
        };
        context.PushGlobal(globals);
        return template.Render(context);
    }

    private static ScriptObject ToScriptObject(IReadOnlyDictionary<string, object?> values)
    {
        var script = new ScriptObject();
        foreach (var (k, v) in values)
        {
            script[k] = v is IReadOnlyDictionary<string, object?> nested ? ToScriptObject(nested) : v;
        }
        return script;
    }

    /// <summary>Persian when most letters of the text are in Arabic script, English otherwise.</summary>
    public static string LocaleOf(string text) => Crm.Routing.Classification.ConversationFacts.LanguageOf(text) ?? "en";
}
