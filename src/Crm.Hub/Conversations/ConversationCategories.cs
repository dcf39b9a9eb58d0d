namespace Crm.Hub.Conversations;

/// <summary>
/// Section <c>Crm:Conversations</c>: the categories an agent can give a conversation. Complaints and suggestions are the
/// categories the complaints register, segments ("complained in the last 30 days") and reports read.
/// </summary>
internal sealed class ConversationCategoryOptions
{
    public const string Section = "Crm:Conversations";

    /// <summary>Used when the setting lists none (a bound list would add to a non-empty default rather than replace it).</summary>
    public static readonly string[] Defaults = ["complaint", "suggestion", "inquiry", "order", "support"];

    public List<string> Categories { get; set; } = [];
}

public sealed record CategoryRequest(string? Category);

internal sealed partial class ConversationActions
{
    /// <summary>Sets (or, with null, clears) the conversation's category; the change is an event, so reports can tell when.</summary>
    public async Task<(ConversationView? View, ActionRefused? Refused)> CategorizeAsync(Guid conversationId, string? category,
        IReadOnlyList<string> known, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        var wanted = string.IsNullOrWhiteSpace(category) ? null : category.Trim().ToLowerInvariant();
        if (wanted is not null && !known.Contains(wanted))
        {
            return (null, new ActionRefused(StatusCodes.Status400BadRequest, "Unknown category",
                $"'{category}' is not a category; use one of {string.Join(", ", known)} (Crm:Conversations:Categories)."));
        }
        var (conversation, refused) = await LoadOwnAsync(conversationId, user, ct);
        if (conversation is null)
        {
            return (null, refused);
        }
        if (conversation.Category == wanted)
        {
            return (await ConversationViews.FindAsync(db, conversationId, ct), null);
        }
        // The event carries the whole view, as every conversation change does; the category before is the previous event's.
        conversation.Category = wanted;
        var updated = await UpdatedAsync(conversation, EventKinds.Categorized, Auth.StaffClaims.AgentId(user), time.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        broadcaster.Publish([updated]);
        return (await ConversationViews.FindAsync(db, conversationId, ct), null);
    }
}
