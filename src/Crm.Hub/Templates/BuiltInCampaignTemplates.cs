using Microsoft.Extensions.Options;

namespace Crm.Hub.Templates;

/// <summary>One locale of a built-in campaign template: the message, and the subject an email sends it under.</summary>
public sealed record BuiltInTemplateText(string Body, string? Subject);

/// <summary>A built-in campaign template with its text per locale (en, fa).</summary>
public sealed record BuiltInTemplate(string Name, IReadOnlyDictionary<string, BuiltInTemplateText> Locales);

/// <summary>
/// The campaign templates shipped in <c>templates/campaigns/</c>: <c>{name}.{locale}.sbn</c> is the message and
/// <c>{name}.{locale}.subject.sbn</c> its email subject. Read from disk on each call, so an edited file shows at once.
/// </summary>
internal sealed class BuiltInCampaignTemplates(IOptions<TemplateOptions> options)
{
    private const string Subject = ".subject";

    private string Folder => Path.Combine(options.Value.Directory is { Length: > 0 } d ? d : Path.Combine(AppContext.BaseDirectory, "templates"), "campaigns");

    public IReadOnlyList<BuiltInTemplate> All()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }
        return [.. Directory.EnumerateFiles(Folder, "*.sbn")
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Where(stem => !stem.EndsWith(Subject, StringComparison.Ordinal))
            .Select(stem => (Name: stem[..stem.LastIndexOf('.')], Locale: stem[(stem.LastIndexOf('.') + 1)..]))
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BuiltInTemplate(g.Key, g.OrderBy(t => t.Locale, StringComparer.Ordinal).ToDictionary(
                t => t.Locale,
                t => new BuiltInTemplateText(Read($"{t.Name}.{t.Locale}.sbn")!, Read($"{t.Name}.{t.Locale}{Subject}.sbn")))))];
    }

    /// <summary>A file's final newline is the editor's, not part of the message (it would cost an SMS character).</summary>
    private string? Read(string file)
    {
        var path = Path.Combine(Folder, file);
        return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\r', '\n') : null;
    }
}
