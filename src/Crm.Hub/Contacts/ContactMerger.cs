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
/// conversations are not fused (each keeps its own history, so two open ones both stay open); the survivor's empty
/// fields are filled from the other. Everything moved or filled is written to the merge's snapshot, so undo puts back
/// precisely that — an identity the survivor gained after the merge stays with it.
/// </summary>
internal sealed class ContactMerger(HubDbContext db, StaffBroadcaster broadcaster, TimeProvider time)
{
    /// <summary>The merge's memory. <c>Filled</c> maps a survivor field to the value the merge put in it (it was empty).</summary>
    /// <remarks>Merges written before <c>Filled</c> existed carry the survivor's fields as they were; undo restores those.</remarks>
    private sealed record Snapshot(List<Guid> Identities, List<Guid> Conversations, Dictionary<string, string?>? Filled = null,
        string? DisplayName = null, string? Email = null, string? Phone = null, Guid? ResponsibleAgentId = null, CopiedProfile? Profile = null);

    public async Task<(ContactMerge? Merge, MergeRefused? Refused)> MergeAsync(Guid survivorId, Guid otherId, string reason, Guid? agentId,
        CancellationToken ct)
    {
        if (survivorId == otherId)
        {
            return (null, new MergeRefused(StatusCodes.Status400BadRequest, "Same contact", "A contact cannot be merged into itself."));
        }
        // One write transaction: a message arriving from the other contact's number cannot land on it halfway through.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var contacts = await db.Contacts.Include(c => c.Identities).Where(c => c.Id == survivorId || c.Id == otherId).ToListAsync(ct);
        var survivor = contacts.FirstOrDefault(c => c.Id == survivorId);
        var other = contacts.FirstOrDefault(c => c.Id == otherId);
        if (survivor is null || other is null)
        {
            return (null, new MergeRefused(StatusCodes.Status404NotFound, "Contact not found",
                $"There is no contact {(survivor is null ? survivorId : otherId)}."));
        }
        if ((survivor.MergedIntoId ?? other.MergedIntoId) is { } into)
        {
            var which = survivor.MergedIntoId is not null ? survivorId : otherId;
            return (null, new MergeRefused(StatusCodes.Status409Conflict, "Already merged",
                $"Contact {which} was merged into contact {into}; merge with that contact instead (or undo that merge first)."));
        }

        var now = time.GetUtcNow();
        var conversations = await db.Conversations.Where(c => c.ContactId == otherId).ToListAsync(ct);
        var filled = new Dictionary<string, string?>();
        Fill(nameof(Contact.DisplayName), survivor.DisplayName, other.DisplayName, v => survivor.DisplayName = v);
        Fill(nameof(Contact.Email), survivor.Email, other.Email, v => survivor.Email = v);
        Fill(nameof(Contact.Phone), survivor.Phone, other.Phone, v => survivor.Phone = v);
        Fill(nameof(Contact.ResponsibleAgentId), survivor.ResponsibleAgentId?.ToString(), other.ResponsibleAgentId?.ToString(),
            v => survivor.ResponsibleAgentId = Guid.Parse(v!));
        Fill(nameof(Contact.TimeZone), survivor.TimeZone, other.TimeZone, v => survivor.TimeZone = v);
        Fill(nameof(Contact.Locale), survivor.Locale, other.Locale, v => survivor.Locale = v);
        var profile = await ContactProfileMerge.CopyAsync(db, survivor.Id, other.Id, now, ct);
        var snapshot = new Snapshot([.. other.Identities.Select(i => i.Id)], [.. conversations.Select(c => c.Id)], filled, Profile: profile);
        foreach (var identity in other.Identities)
        {
            identity.ContactId = survivor.Id;
        }
        foreach (var conversation in conversations)
        {
            conversation.ContactId = survivor.Id;
        }
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
        var events = await AppendUpdatesAsync(conversations, survivor.DisplayName, "contact-merged", now, ct);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        broadcaster.Publish(events);
        return (merge, null);

        void Fill(string field, string? mine, string? theirs, Action<string?> set)
        {
            if (mine is null && theirs is not null)
            {
                set(theirs);
                filled[field] = theirs;
            }
        }
    }

    public async Task<(ContactMerge? Merge, MergeRefused? Refused)> UndoAsync(Guid mergeId, Guid? agentId, CancellationToken ct)
    {
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var merge = await db.ContactMerges.FirstOrDefaultAsync(m => m.Id == mergeId, ct);
        if (merge is null)
        {
            return (null, new MergeRefused(StatusCodes.Status404NotFound, "Merge not found", $"There is no merge {mergeId}."));
        }
        if (merge.UndoneAt is not null)
        {
            return (null, new MergeRefused(StatusCodes.Status409Conflict, "Already undone", $"This merge was already undone at {merge.UndoneAt:u}."));
        }
        // The survivor was itself merged into a third contact since: what this merge moved now sits on that contact,
        // and putting it back would split the later merge behind its back. Its undo has to come first.
        var later = await db.ContactMerges.FirstOrDefaultAsync(m => m.UndoneAt == null && m.MergedContactId == merge.SurvivorContactId, ct);
        if (later is not null)
        {
            return (null, new MergeRefused(StatusCodes.Status409Conflict, "Undo the later merge first",
                $"Contact {merge.SurvivorContactId} was merged into contact {later.SurvivorContactId} after this merge (merge {later.Id}); " +
                "undo that merge first, then this one."));
        }
        var snapshot = JsonSerializer.Deserialize<Snapshot>(merge.Snapshot)!;
        var contacts = await db.Contacts.Where(c => c.Id == merge.SurvivorContactId || c.Id == merge.MergedContactId).ToListAsync(ct);
        var survivor = contacts.Single(c => c.Id == merge.SurvivorContactId);
        var restored = contacts.Single(c => c.Id == merge.MergedContactId);
        var now = time.GetUtcNow();

        var identities = await db.ChannelIdentities.Where(i => snapshot.Identities.Contains(i.Id) && i.ContactId == survivor.Id).ToListAsync(ct);
        foreach (var identity in identities)
        {
            identity.ContactId = restored.Id;
        }
        var conversations = await db.Conversations.Where(c => snapshot.Conversations.Contains(c.Id) && c.ContactId == survivor.Id).ToListAsync(ct);
        foreach (var conversation in conversations)
        {
            conversation.ContactId = restored.Id;
        }
        if (snapshot.Filled is { } filled)
        {
            // Only what this merge filled, and only while it still holds that value: a later merge or edit wins.
            survivor.DisplayName = Unfill(filled, nameof(Contact.DisplayName), survivor.DisplayName);
            survivor.Email = Unfill(filled, nameof(Contact.Email), survivor.Email);
            survivor.Phone = Unfill(filled, nameof(Contact.Phone), survivor.Phone);
            survivor.ResponsibleAgentId = Unfill(filled, nameof(Contact.ResponsibleAgentId), survivor.ResponsibleAgentId?.ToString()) is { } agent
                ? Guid.Parse(agent) : null;
            survivor.TimeZone = Unfill(filled, nameof(Contact.TimeZone), survivor.TimeZone);
            survivor.Locale = Unfill(filled, nameof(Contact.Locale), survivor.Locale);
        }
        if (snapshot.Profile is { } profile)
        {
            await ContactProfileMerge.UndoAsync(db, survivor.Id, profile, ct);
        }
        else
        {
            survivor.DisplayName = snapshot.DisplayName;
            survivor.Email = snapshot.Email;
            survivor.Phone = snapshot.Phone;
            survivor.ResponsibleAgentId = snapshot.ResponsibleAgentId;
        }
        restored.MergedIntoId = null;
        merge.UndoneAt = now;
        merge.UndoneByAgentId = agentId;
        var events = await AppendUpdatesAsync(conversations, restored.DisplayName, "contact-unmerged", now, ct);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        broadcaster.Publish(events);
        return (merge, null);
    }

    private static string? Unfill(Dictionary<string, string?> filled, string field, string? current) =>
        filled.TryGetValue(field, out var value) && current == value ? null : current;

    /// <summary>One ConversationUpdated per moved conversation, so every console shows its new contact.</summary>
    private async Task<List<ConversationEvent>> AppendUpdatesAsync(List<Conversation> conversations, string? contactName, string kind,
        DateTimeOffset now, CancellationToken ct)
    {
        var assigneeIds = conversations.Where(c => c.AssigneeId is not null).Select(c => c.AssigneeId!.Value).Distinct().ToList();
        var assignees = assigneeIds.Count == 0 ? []
            : await db.Agents.AsNoTracking().Where(a => assigneeIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        return [.. conversations.Select(c => db.Append(kind, StaffEvents.ConversationUpdated, c.Id, null,
            ConversationViews.From(c, contactName, c.AssigneeId is { } a ? assignees.GetValueOrDefault(a) : null), now))];
    }
}
