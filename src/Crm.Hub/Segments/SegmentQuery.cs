using System.Linq.Expressions;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;

namespace Crm.Hub.Segments;

/// <summary>
/// Turns a (validated) condition tree into one SQL query over contacts: each condition is an EF-translatable predicate
/// (mostly EXISTS subqueries on the indexed tag, attribute, identity, consent, conversation and message tables), groups
/// combine them with AND / OR. Nothing is evaluated in memory; merged-away contacts are never in a segment.
/// </summary>
internal static class SegmentQuery
{
    public const string ComplaintCategory = "complaint";

    /// <summary>The segment's contacts, not yet ordered or paged: the campaign runner streams their ids from this.</summary>
    public static IQueryable<Contact> Build(HubDbContext db, SegmentDefinition definition, TimeProvider time) =>
        db.Contacts.Where(c => c.MergedIntoId == null).Where(Predicate(db, definition, time.GetUtcNow()));

    public static Expression<Func<Contact, bool>> Predicate(HubDbContext db, SegmentDefinition node, DateTimeOffset now)
    {
        if (!node.IsGroup)
        {
            return Condition(db, node, now);
        }
        var parts = (node.Conditions ?? []).Select(n => Predicate(db, n, now)).ToList();
        if (parts.Count == 0)
        {
            return c => node.Match != SegmentFields.Any;
        }
        var parameter = Expression.Parameter(typeof(Contact), "c");
        var body = parts.Select(p => new ParameterSwap(p.Parameters[0], parameter).Visit(p.Body)!)
            .Aggregate((left, right) => node.Match == SegmentFields.Any ? Expression.OrElse(left, right) : Expression.AndAlso(left, right));
        return Expression.Lambda<Func<Contact, bool>>(body, parameter);
    }

    private static Expression<Func<Contact, bool>> Condition(HubDbContext db, SegmentDefinition c, DateTimeOffset now)
    {
        var value = c.Value ?? "";
        var since = now.AddDays(-(c.Days ?? 0));
        var date = c.Date ?? now;
        switch (c.Field, c.Operator)
        {
            case (SegmentFields.Tag, "has"):
                {
                    var tag = ContactProfileRules.NormalizeTag(value);
                    return x => x.Tags.Any(t => t.Tag == tag);
                }
            case (SegmentFields.Tag, "lacks"):
                {
                    var tag = ContactProfileRules.NormalizeTag(value);
                    return x => !x.Tags.Any(t => t.Tag == tag);
                }
            case (SegmentFields.Attribute, _):
                {
                    var key = ContactProfileRules.NormalizeKey(c.Key ?? "");
                    // Exact and case-sensitive, on SQLite and PostgreSQL alike.
                    return c.Operator switch
                    {
                        "equals" => x => x.Attributes.Any(a => a.Key == key && a.Value == value),
                        "contains" => x => x.Attributes.Any(a => a.Key == key && a.Value.Contains(value)),
                        _ => x => x.Attributes.Any(a => a.Key == key),
                    };
                }
            case (SegmentFields.Channel, _):
                // Reachable: an address on the channel that has not opted out and has not bounced for good. The same address
                // opted out on another account (an imported number, then STOP from the customer's real thread) counts as opted out.
                return x => x.Identities.Any(i => i.Channel == value && i.OptedOutAt == null && i.UndeliverableAt == null
                    && !x.Identities.Any(o => o.Channel == value && o.Address == i.Address && o.OptedOutAt != null));
            case (SegmentFields.Consent, _):
                return x => x.Consents.Any(k => k.Channel == value && k.Granted);
            case (SegmentFields.Locale, _):
                {
                    var locale = ContactProfileRules.Locale(value);
                    return x => x.Locale == locale;
                }
            case (SegmentFields.Import, _):
                {
                    // The contacts the import wrote, or the contact one of them was merged into since, up to two merges on (the
                    // survivor stands for the person the list named; a merged-away contact itself is never in a segment).
                    var importId = Guid.TryParse(value, out var id) ? id : Guid.Empty;
                    return x => db.ContactImportMembers.Any(m => m.ImportId == importId
                        && (m.ContactId == x.Id || db.Contacts.Any(merged => merged.Id == m.ContactId && (merged.MergedIntoId == x.Id
                            || db.Contacts.Any(between => between.Id == merged.MergedIntoId && between.MergedIntoId == x.Id)))));
                }
            case (SegmentFields.Created, "before"):
                return x => x.CreatedAt < date;
            case (SegmentFields.Created, "after"):
                return x => x.CreatedAt >= date;
            case (SegmentFields.Created, _):
                return x => x.CreatedAt >= since;
            case (SegmentFields.Complained, _):
                return x => db.Conversations.Any(v => v.ContactId == x.Id && v.Category == ComplaintCategory && v.CreatedAt >= since);
            case (SegmentFields.LastContact, "after"):
                return InboundSince(db, date);
            case (SegmentFields.LastContact, "within"):
                return InboundSince(db, since);
            case (SegmentFields.LastContact, "notWithin"):
                return Not(InboundSince(db, since));
            case (SegmentFields.LastContact, "before"):
                {
                    // Wrote to us at least once, and not since the date; "notWithin" is the one that includes contacts who never wrote.
                    return x => db.Conversations.Any(v => v.ContactId == x.Id
                            && db.Messages.Any(m => m.ConversationId == v.Id && m.Direction == MessageDirection.Inbound))
                        && !db.Conversations.Any(v => v.ContactId == x.Id
                            && db.Messages.Any(m => m.ConversationId == v.Id && m.Direction == MessageDirection.Inbound && m.CreatedAt >= date));
                }
            default:
                throw new ArgumentException($"Segment condition {c.Field} {c.Operator} is not valid; validate before building.", nameof(c));
        }
    }

    /// <summary>The contact's last contact (an inbound message on any of its conversations) is at or after <paramref name="since"/>.</summary>
    private static Expression<Func<Contact, bool>> InboundSince(HubDbContext db, DateTimeOffset since) =>
        x => db.Conversations.Any(v => v.ContactId == x.Id
            && db.Messages.Any(m => m.ConversationId == v.Id && m.Direction == MessageDirection.Inbound && m.CreatedAt >= since));

    private static Expression<Func<Contact, bool>> Not(Expression<Func<Contact, bool>> predicate) =>
        Expression.Lambda<Func<Contact, bool>>(Expression.Not(predicate.Body), predicate.Parameters);

    private sealed class ParameterSwap(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
