using Crm.Channels;
using Crm.Channels.WebChat;
using Crm.Hub.Auth;
using Crm.Hub.Conversations;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Crm.Hub.Surveys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.WebChat;

/// <summary>The widget's live connection.</summary>
[Authorize(Policy = Policies.Visitor)]
internal sealed class VisitorHub(
    IngestPipeline ingest, VisitorNotifier notifier, StaffBroadcaster staff, HubDbContext db, IOptions<WebChatOptions> options, TimeProvider time,
    IOptionsMonitor<SurveyOptions> surveyOptions)
    : Hub<IVisitorClient>
{
    private const string LastTypingKey = "crm.lastTyping";

    private Guid VisitorId => Context.User!.VisitorId();

    public override async Task OnConnectedAsync()
    {
        if (!options.Value.Enabled)
        {
            throw new HubException("Web chat is off on this hub.");
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, VisitorMessages.Group(VisitorId));
        await base.OnConnectedAsync();
    }

    /// <summary>Returns once the message is committed; sending the same clientMessageId again returns the same message.</summary>
    public async Task<VisitorMessage> Send(VisitorSendRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (VisitorMessageRules.Validate(request.ClientMessageId, request.Body, options.Value) is { } error)
        {
            throw new HubException(error);
        }
        var inbound = new InboundMessage(
            new ChannelAddress(ChannelNames.WebChat, WebChatAccount.Default, VisitorId.ToString("N")),
            VisitorMessageRules.ProviderMessageId(VisitorId, request.ClientMessageId!),
            request.Body!.Trim(),
            time.GetUtcNow());
        var result = await ingest.IngestAsync(inbound, Context.ConnectionAborted);
        return new VisitorMessage(result.MessageId, request.ClientMessageId, "inbound", inbound.Body, result.CreatedAt,
            VisitorMessages.Wire(result.Status), null);
    }

    /// <summary>A survey card's button: records the score (the first answer is final) and returns the survey as it now stands.</summary>
    public async Task<VisitorSurvey> AnswerSurvey(Guid surveyId, int score)
    {
        var address = VisitorId.ToString("N");
        var survey = await db.SurveyRequests
            .Where(s => s.Id == surveyId && s.Channel == ChannelNames.WebChat)
            .Where(s => db.ChannelIdentities.Any(i => i.ContactId == s.ContactId && i.Channel == ChannelNames.WebChat && i.Address == address))
            .FirstOrDefaultAsync(Context.ConnectionAborted) ?? throw new HubException("No such survey in this visitor's conversations.");
        if (score < survey.Kind.Min() || score > survey.Kind.Max())
        {
            throw new HubException($"A {survey.Kind.TemplateName()} score is {survey.Kind.Min()} to {survey.Kind.Max()}.");
        }
        var now = time.GetUtcNow();
        // The answer, its event and any follow-up commit together; a double click's second answer finds it answered and gets it back.
        await using var transaction = await db.Database.BeginTransactionAsync(Context.ConnectionAborted);
        var (outcome, events) = await SurveyAnswers.RecordAsync(db, survey, new SurveyAnswer(score, null), ChannelNames.WebChat, surveyOptions.CurrentValue,
            now, Context.ConnectionAborted);
        if (outcome == AnswerOutcome.Closed)
        {
            throw new HubException("This survey has closed.");
        }
        if (outcome == AnswerOutcome.Recorded)
        {
            await db.SaveChangesAsync(Context.ConnectionAborted);
            await transaction.CommitAsync(Context.ConnectionAborted);
            staff.Publish(events);
            await Clients.OthersInGroup(VisitorMessages.Group(VisitorId)).SurveyAnswered(VisitorMessages.Survey(survey, now));
        }
        return VisitorMessages.Survey(survey, now);
    }

    public async Task Typing(bool isTyping)
    {
        // A widget says "typing" a few times a minute; anything faster is noise (or abuse) sent to every console.
        var now = time.GetUtcNow();
        if (Context.Items.TryGetValue(LastTypingKey, out var last) && last is (bool state, DateTimeOffset at) && state == isTyping
            && now - at < TimeSpan.FromSeconds(1))
        {
            return;
        }
        Context.Items[LastTypingKey] = (isTyping, now);
        var address = VisitorId.ToString("N");
        var conversationId = await db.ChannelIdentities
            .Where(i => i.Channel == ChannelNames.WebChat && i.Address == address)
            .SelectMany(i => db.Conversations.Where(c => c.ContactId == i.ContactId && c.Status != ConversationStatus.Resolved))
            .OrderByDescending(c => c.LastMessageAt)
            .Select(c => (Guid?)c.Id)
            .FirstOrDefaultAsync(Context.ConnectionAborted);
        if (conversationId is { } id)
        {
            staff.PublishTransient(StaffEvents.VisitorTyping, id, new { conversationId = id, isTyping });
        }
    }

    public async Task Ack(Guid messageId, string status)
    {
        var next = status switch
        {
            "delivered" => DeliveryStatus.Delivered,
            "read" => DeliveryStatus.Read,
            _ => throw new HubException("status must be delivered or read."),
        };
        if (!await notifier.AckAsync(VisitorId, messageId, next, Context.ConnectionAborted))
        {
            throw new HubException("No such message in this visitor's conversations.");
        }
    }
}

internal static class WebChatAccount
{
    /// <summary>One widget per hub for now; a business with several sites will get one account id per site.</summary>
    public const string Default = "default";
}
