using System.Text;
using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Email;
using Crm.Hub.Outbox;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Crm.Hub.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Surveys;

/// <summary>
/// Decides a resolved conversation's survey and stages it in the caller's unit of work: the <see cref="SurveyRequest"/> row (sent or
/// skipped, with why), the survey message and its outbox entry, and the follow-up task a complaint opens. The message has no author
/// agent (and an email carries the automatic mark), so metrics read it as automatic, never as an agent's response.
/// </summary>
internal sealed class SurveySender(MessageTemplates templates, SurveyLinks links, IOptionsMonitor<SurveyOptions> options)
{
    public const string EmailAutomaticMark = "auto-generated: survey";

    /// <summary>Stages the survey of a conversation that is resolved and has none yet; returns the events to publish after the commit.</summary>
    public async Task<(SurveyRequest Request, List<ConversationEvent> Events)> StageAsync(HubDbContext db, Guid conversationId, DateTimeOffset now,
        CancellationToken ct)
    {
        var o = options.CurrentValue;
        var c = await db.Conversations.Include(x => x.Contact).FirstAsync(x => x.Id == conversationId, ct);
        var events = new List<ConversationEvent>();
        if (c.Category is { } category && o.FollowUpCategories.Contains(category, StringComparer.OrdinalIgnoreCase))
        {
            events.AddRange(await FollowUps.OpenAsync(db, c.Id, FollowUpReasons.Complaint, $"Resolved {category} #{c.Number}", null, now, ct));
        }
        var choice = c.QueueId is { } q ? await db.RoutingQueues.Where(x => x.Id == q).Select(x => x.Survey).FirstOrDefaultAsync(ct) : null;
        var kind = QueueSurveys.For(choice, o);
        var channel = await ConversationViews.DefaultReplyChannelAsync(db, c, ct);
        var lastWords = await db.Messages.Where(m => m.ConversationId == c.Id && m.Direction == MessageDirection.Inbound)
            .OrderByDescending(m => m.CreatedAt).Select(m => m.Body).FirstOrDefaultAsync(ct);
        var request = new SurveyRequest
        {
            Id = Guid.CreateVersion7(now), ConversationId = c.Id, ContactId = c.ContactId, AgentId = c.AssigneeId, QueueId = c.QueueId,
            Kind = kind ?? SurveyKind.Csat, Channel = channel, State = SurveyState.Skipped, CreatedAt = now,
            Locale = c.Contact?.Locale is "fa" or "en" ? c.Contact.Locale : MessageTemplates.LocaleOf(lastWords ?? ""),
        };
        db.SurveyRequests.Add(request);
        var identity = await db.ChannelIdentities.Where(i => i.ContactId == c.ContactId && i.Channel == channel)
            .OrderByDescending(i => i.LastSeenAt).FirstOrDefaultAsync(ct);
        request.SkipReason = kind is null ? "The queue asks no survey."
            : channel == ChannelNames.Fax ? "Surveys are not sent by fax: there is no way to answer one."
            : identity is null ? $"The contact has no {channel} address."
            : identity.OptedOutAt is not null ? $"The contact opted out of {channel} messages."
            : identity.UndeliverableAt is not null ? $"Mail to {identity.Address} bounced."
            : null;
        if (request.SkipReason is not null)
        {
            return (request, events);
        }
        var body = Question(request, c, o);
        var message = new Message
        {
            Id = Guid.CreateVersion7(now), ConversationId = c.Id, Direction = MessageDirection.Outbound, Channel = channel, Body = body,
            DeliveryStatus = DeliveryStatus.Pending, CreatedAt = now,
            Email = channel == ChannelNames.Email ? new EmailDetails { Subject = Subject(request.Locale, c.Number), Automatic = EmailAutomaticMark } : null,
        };
        db.Messages.Add(message);
        db.Outbox.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(now), MessageId = message.Id, Channel = channel, State = OutboxState.Pending, NextAttemptAt = now, CreatedAt = now,
        });
        (request.State, request.SkipReason, request.SentAt, request.ExpiresAt, request.MessageId, request.IdentityId) =
            (SurveyState.Sent, null, now, now + o.Expiry, message.Id, identity!.Id);
        events.Add(db.Append(EventKinds.Sent, StaffEvents.MessageAdded, c.Id, null, ConversationViews.From(message, o.BusinessName), now));
        return (request, events);
    }

    private string Question(SurveyRequest request, Conversation c, SurveyOptions o)
    {
        var text = templates.Render("surveys", request.Kind.TemplateName(), request.Locale, new Dictionary<string, object?>
        {
            ["contact"] = new Dictionary<string, object?> { ["name"] = c.Contact?.DisplayName },
            ["conversation"] = new Dictionary<string, object?> { ["number"] = c.Number },
            ["business"] = new Dictionary<string, object?> { ["name"] = o.BusinessName },
        })?.Trim() ?? throw new TemplateException($"templates/surveys/{request.Kind.TemplateName()}.en.sbn is missing.");
        if (request.Channel != ChannelNames.Email)
        {
            return text;
        }
        // Mail has no reply parsing: one signed link per score.
        var b = new StringBuilder(text).Append("\n\n").Append(request.Locale == "fa" ? "یا روی یکی از پیوندها بزنید:" : "Or pick your answer:").Append('\n');
        for (var score = request.Kind.Max(); score >= request.Kind.Min(); score--)
        {
            b.Append(score.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(": ").Append(links.Link(request.Id, score)).Append('\n');
        }
        return b.ToString().TrimEnd();
    }

    private static string Subject(string locale, long number) => locale == "fa" ? $"نظر شما درباره گفتگوی #{number}" : $"How did we do? (conversation #{number})";
}
