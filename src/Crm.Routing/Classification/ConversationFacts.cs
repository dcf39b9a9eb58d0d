namespace Crm.Routing.Classification;

/// <summary>
/// What is known about a conversation when it opens, for the routing rules: its channel, the inbox it came in on (the number
/// texted, the mailbox written to), its first message, the contact's tags (segments such as VIP) and a category if one is set.
/// </summary>
public sealed record ConversationFacts(
    string Channel,
    string FirstMessage,
    string? Inbox = null,
    IReadOnlyCollection<string>? ContactTags = null,
    string? Category = null)
{
    /// <summary>
    /// The language of a text by the script most of its letters are in: "fa" (Arabic script), "en" (Latin), or null (no letters).
    /// The hub uses the same rule to pick a template's locale.
    /// </summary>
    public string? Language { get; } = LanguageOf(FirstMessage);

    public static string? LanguageOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int arabic = 0, latin = 0;
        foreach (var c in text)
        {
            if (c is >= '\u0600' and <= '\u06FF' or >= '\uFB50' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF')
            {
                arabic += char.IsLetter(c) ? 1 : 0;
            }
            else if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '\u00C0' and <= '\u024F')
            {
                latin++;
            }
        }

        return arabic == 0 && latin == 0 ? null : arabic > latin ? "fa" : "en";
    }
}
