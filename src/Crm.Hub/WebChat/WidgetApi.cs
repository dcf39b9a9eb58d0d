using System.Net.Mail;
using Crm.Channels;
using Crm.Channels.WebChat;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.WebChat;

public sealed record WidgetSessionRequest(string? VisitorToken, string? Name, string? Email);

public sealed record WidgetSession(string VisitorToken, Guid? ConversationId, IReadOnlyList<VisitorMessage> Messages);

internal static class WidgetApi
{
    public const string CorsPolicy = "widget";
    public const string RateLimit = "widget";

    public static RouteGroupBuilder MapWidgetApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/widget").WithTags("Web chat widget").RequireCors(CorsPolicy).AllowAnonymous()
            .RequireRateLimiting(RateLimit);
        group.MapPost("/session", StartSessionAsync)
            .WithSummary("Starts or resumes a visitor's chat; returns the visitor token and the latest conversation's messages.");
        return group;
    }

    private static async Task<Results<Ok<WidgetSession>, ValidationProblem, ProblemHttpResult>> StartSessionAsync(
        WidgetSessionRequest request, VisitorTokens tokens, HubDbContext db, IOptions<WebChatOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!options.Value.Enabled)
        {
            return TypedResults.Problem(title: "Web chat is off", detail: "This hub does not take web chat (Crm:Channels:WebChat:Enabled is false).",
                statusCode: StatusCodes.Status404NotFound);
        }
        Guid visitorId;
        if (request.VisitorToken is null)
        {
            visitorId = Guid.NewGuid();
        }
        else if (!tokens.TryRead(request.VisitorToken, out visitorId))
        {
            return TypedResults.Problem(title: "Invalid visitor token",
                detail: "The visitor token is not one this hub issued. Start a new session without it.", statusCode: StatusCodes.Status401Unauthorized);
        }
        if (Validate(request, options.Value) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var address = visitorId.ToString("N");
        var identity = await db.ChannelIdentities.Include(i => i.Contact)
            .FirstOrDefaultAsync(i => i.Channel == ChannelNames.WebChat && i.AccountId == WebChatAccount.Default && i.Address == address, ct);
        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim().ToLowerInvariant();
        if (identity?.Contact is { } contact)
        {
            contact.DisplayName = name ?? contact.DisplayName;
            contact.Email = email ?? contact.Email;
        }
        else if (name is not null || email is not null)
        {
            // Pre-chat details are kept right away; a visitor who says nothing becomes a contact with their first message.
            var now = time.GetUtcNow();
            contact = new Contact { Id = Guid.CreateVersion7(now), DisplayName = name, Email = email, CreatedAt = now };
            contact.Identities.Add(new ChannelIdentity
            {
                Id = Guid.CreateVersion7(now), ContactId = contact.Id, Channel = ChannelNames.WebChat,
                AccountId = WebChatAccount.Default, Address = address, CreatedAt = now, LastSeenAt = now,
            });
            db.Contacts.Add(contact);
        }
        else
        {
            contact = null;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (contact is not null)
        {
            // The same new visitor started two sessions at once (two tabs): the other request created the contact.
            db.ChangeTracker.Clear();
            contact = await db.ChannelIdentities.Where(i => i.Channel == ChannelNames.WebChat && i.AccountId == WebChatAccount.Default && i.Address == address)
                .Select(i => i.Contact).FirstAsync(ct);
        }

        var conversation = contact is null ? null : await db.Conversations.AsNoTracking()
            .Where(c => c.ContactId == contact.Id)
            .OrderByDescending(c => c.LastMessageAt)
            .FirstOrDefaultAsync(ct);
        var messages = conversation is null ? [] : await HistoryAsync(db, conversation.Id, time, ct);
        return TypedResults.Ok(new WidgetSession(request.VisitorToken ?? tokens.Issue(visitorId), conversation?.Id, messages));
    }

    private static async Task<List<VisitorMessage>> HistoryAsync(HubDbContext db, Guid conversationId, TimeProvider time, CancellationToken ct)
    {
        var rows = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Direction != MessageDirection.Note)
            .OrderBy(m => m.CreatedAt)
            .ToListAsync(ct);
        var authorIds = rows.Where(m => m.AuthorAgentId != null).Select(m => m.AuthorAgentId!.Value).Distinct().ToList();
        var names = await db.Agents.AsNoTracking().Where(a => authorIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        var surveys = await db.SurveyRequests.AsNoTracking().Where(s => s.ConversationId == conversationId && s.MessageId != null)
            .ToDictionaryAsync(s => s.MessageId!.Value, ct);
        var now = time.GetUtcNow();
        return rows.Select(m => VisitorMessages.From(m, m.AuthorAgentId is { } a ? names.GetValueOrDefault(a) : null) with
        {
            Survey = surveys.TryGetValue(m.Id, out var s) ? VisitorMessages.Survey(s, now) : null,
        }).ToList();
    }

    private static Dictionary<string, string[]>? Validate(WidgetSessionRequest request, WebChatOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Name is { Length: > 0 } name && name.Trim().Length > options.MaxNameLength)
        {
            errors["name"] = [$"The name may be at most {options.MaxNameLength} characters."];
        }
        if (!string.IsNullOrWhiteSpace(request.Email) && (request.Email.Length > 320 || !MailAddress.TryCreate(request.Email.Trim(), out _)))
        {
            errors["email"] = ["That is not an email address."];
        }
        return errors.Count == 0 ? null : errors;
    }
}
