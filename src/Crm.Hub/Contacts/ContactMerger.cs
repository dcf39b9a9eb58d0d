using System.Text.Json;
using Crm.Hub.Conversations;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Contacts;

/// <summary>A merge or undo the caller may not do, with the status and reason for the problem details.</summary>
internal sealed record MergeRefused(int Status, string Title, string Detail);

/// <summary>
/// Merges one contact into another and undoes it exactly. Identities and conversations move to the survivor;
/// conversations are not fused (each keeps its own history); the survivor's empty fields are filled from the other.
/// Everything moved is written to the merge's snapshot, so undo puts back precisely that.
/// </summary>
internal sealed class ContactMerger(HubDbContext db, StaffBroadcaster broadcaster, TimeProvider time)
{
    private sealed record Snapshot(List<Guid> Identities, List<Guid> Conversations, string? DisplayName, string? Email, string? Phone,
        Guid? ResponsibleAgentId);

    public async Task<(ContactMerge? Merge, MergeRefused? Refused)> MergeAsync(Guid survivorId, Guid otherId, string reason, Guid? agentId,
        CancellationToken ct)
    {
        if (survivorId == otherId)
        {
            return (null, new MergeRefused(StatusCodes.Status400BadRequest, "Same contact", "A contact cannot be merged into itself."));
        }
        var contacts = await db.Contacts.Include(c => c.Identities).Where(c => c.Id == survivorId || c.Id == otherId).ToListAsync(ct);
        var survivor = contacts.FirstOrDefault(c => c.Id == survivorId);
        var other = contacts.FirstOrDefault(c => c.Id == otherId);
        if (survivor is null || other is null)
        {
            return (null, new MergeRefused(StatusCodes.Status404NotFound, "Contact not found",
                $"There is no contact {(survivor is null ? survivorId : otherId)}."));
        }
        if (survivor.MergedIntoId is not null || other.MergedIntoId is not null)
        {
            return (null, new MergeRefused(StatusCodes.Status409Conflict, "Already merged",
                "One of the contacts was merged into another contact; merge with that contact instead."));
        }

        var now = time.GetUtcNow();
        var conversations = await db.Conversations.Where(c => c.ContactId == otherId).ToListAsync(ct);
        var snapshot = new Snapshot([.. other.Identities.Select(i => i.Id)], [.. conversations.Select(c => c.Id)],
            survivor.DisplayName, survivor.Email, survivor.Phone, survivor.ResponsibleAgentId);
        foreach (var identity in other.Identities)
        {
            identity.ContactId = survivor.Id;
        }
        foreach (var conversation in conversations)
        {
            conversation.ContactId = survivor.Id;
        }
        survivor.DisplayName ??= other.DisplayName;
        survivor.Email ??= other.Email;
        survivor.Phone ??= other.Phone;
        survivor.ResponsibleAgentId ??= other.ResponsibleAgentId;
        other.MergedIntoId = survivor.Id;
        var merge = new ContactMerge
        {
            Id = Guid.CreateVersion7(now),
            SurvivorContactId = survivor.Id,
            MergedContactId = other.Id,
            Reason = reason.Length > 200 ? reason[..200] : reason,
            Snapshot = JsonSerializer.Serialize(snapshot),
            MergedByAgentId = agentId,
            MergedAt = now,
        };
        db.ContactMerges.Add(merge);
        var events = AppendUpdates(conversations, survivor.DisplayName, "contact-merged", now);
        await db.SaveChangesAsync(ct);
        broadcaster.Publish(events);
        return (merge, null);
    }

    public async Task<(ContactMerge? Merge, MergeRefused? Refused)> UndoAsync(Guid mergeId, Guid? agentId, CancellationToken ct)
    {
        var merge = await db.ContactMerges.FirstOrDefaultAsync(m => m.Id == mergeId, ct);
        if (merge is null)
        {
            return (null, new MergeRefused(StatusCodes.Status404NotFound, "Merge not found", $"There is no merge {mergeId}."));
        }
        if (merge.UndoneAt is not null)
        {
            return (null, new MergeRefused(StatusCodes.Status409Conflict, "Already undone", $"This merge was undone at {merge.UndoneAt:u}."));
        }
        // A later merge of the survivor into a third contact moved these identities again: undo that one first.
        var later = await db.ContactMerges.AnyAsync(m => m.UndoneAt == null && m.MergedContactId == merge.SurvivorContactId, ct);
        if (later)
        {
            return (null, new MergeRefused(StatusCodes.Status409Conflict, "Undo the later merge first",
                "The surviving contact was itself merged into another contact since; undo that merge first."));
        }
        var snapshot = JsonSerializer.Deserialize<Snapshot>(merge.Snapshot)!;
        var contacts = await db.Contacts.Where(c => c.Id == merge.SurvivorContactId || c.Id == merge.MergedContactId).ToListAsync(ct);
        var survivor = contacts.Single(c => c.Id == merge.SurvivorContactId);
        var restored = contacts.Single(c => c.Id == merge.MergedContactId);
        var now = time.GetUtcNow();

        await db.ChannelIdentities.Where(i => snapshot.Identities.Contains(i.Id) && i.ContactId == survivor.Id)
            .ForEachAsync(i => i.ContactId = restored.Id, ct);
        var conversations = await db.Conversations.Where(c => snapshot.Conversations.Contains(c.Id) && c.ContactId == survivor.Id).ToListAsync(ct);
        foreach (var conversation in conversations)
        {
            conversation.ContactId = restored.Id;
        }
        survivor.DisplayName = snapshot.DisplayName;
        survivor.Email = snapshot.Email;
        survivor.Phone = snapshot.Phone;
        survivor.ResponsibleAgentId = snapshot.ResponsibleAgentId;
        restored.MergedIntoId = null;
        merge.UndoneAt = now;
        merge.UndoneByAgentId = agentId;
        var events = AppendUpdates(conversations, restored.DisplayName, "contact-unmerged", now);
        await db.SaveChangesAsync(ct);
        broadcaster.Publish(events);
        return (merge, null);
    }

    private List<ConversationEvent> AppendUpdates(List<Conversation> conversations, string? contactName, string kind, DateTimeOffset now) =>
        [.. conversations.Select(c => db.Append(kind, StaffEvents.ConversationUpdated, c.Id, null, ConversationViews.From(c, contactName, null), now))];
}
