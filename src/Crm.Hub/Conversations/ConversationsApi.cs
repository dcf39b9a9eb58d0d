using System.Security.Claims;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Auth;
using Crm.Hub.Outbox;
using Crm.Hub.Routing;
using Crm.Hub.Storage;
using Crm.Hub.WebChat;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Conversations;

internal static class ConversationsApi
{
    public static RouteGroupBuilder MapConversationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/conversations").WithTags("Conversations").RequireAuthorization(Policies.Staff);

        group.MapGet("/", ListAsync).WithSummary("Lists conversations; filter by status, assignee (me or an agent id) and channel.");
        group.MapGet("/{id:guid}", async Task<Results<Ok<ConversationView>, ProblemHttpResult>> (Guid id, HubDbContext db, CancellationToken ct) =>
            await ConversationViews.FindAsync(db, id, ct) is { } view ? TypedResults.Ok(view) : NotFound(id))
            .WithSummary("One conversation.");
        group.MapGet("/{id:guid}/reply-options", async Task<Results<Ok<ReplyOptionsView>, ProblemHttpResult>> (Guid id, HubDbContext db, CancellationToken ct) =>
            await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } c
                ? TypedResults.Ok(await ConversationViews.ReplyOptionsAsync(db, c, ct))
                : NotFound(id))
            .WithSummary("The channels a reply can go out on (the contact's addresses, opted-out ones flagged) and the default: the customer's last channel.");
        group.MapGet("/{id:guid}/messages", MessagesAsync).WithSummary("The thread, oldest first, notes included.");
        group.MapPost("/{id:guid}/messages", ReplyAsync).WithSummary("An agent's reply (sent through the outbox) or, with internal=true, a note.");
        group.MapPost("/{id:guid}/messages/files", ReplyWithFilesAsync).DisableAntiforgery()
            .WithSummary("A reply with files (multipart: body, channel, file...): documents on Telegram, PDFs appended to a fax.");
        group.MapPost("/{id:guid}/offer/accept", (Guid id, ClaimsPrincipal user, ConversationActions actions, CancellationToken ct) =>
            Respond(actions.AnswerOfferAsync(id, accept: true, user, ct))).WithSummary("Accepts the routing offer made to the caller.");
        group.MapPost("/{id:guid}/offer/decline", async Task<IResult> (Guid id, ClaimsPrincipal user, ConversationActions actions, CancellationToken ct) =>
        {
            var (_, refused) = await actions.AnswerOfferAsync(id, accept: false, user, ct);
            return refused is null ? TypedResults.NoContent() : Problem(refused);
        }).WithSummary("Declines the routing offer; the conversation goes to the next agent.");
        group.MapPost("/{id:guid}/transfer", TransferAsync).WithSummary("Hands the conversation to another agent or team.");
        group.MapPut("/{id:guid}/category", (Guid id, CategoryRequest request, ClaimsPrincipal user, ConversationActions actions,
                Microsoft.Extensions.Options.IOptions<ConversationCategoryOptions> categories, CancellationToken ct) =>
            Respond(actions.CategorizeAsync(id, request.Category, categories.Value.Categories, user, ct)))
            .WithSummary("Sets the conversation's category (complaint, suggestion…, from Crm:Conversations:Categories), or clears it with null.");
        group.MapGet("/categories", (Microsoft.Extensions.Options.IOptions<ConversationCategoryOptions> categories) => TypedResults.Ok(categories.Value.Categories))
            .WithSummary("The categories a conversation can be given.");
        group.MapPost("/{id:guid}/resolve", (Guid id, ClaimsPrincipal user, ConversationActions actions, CancellationToken ct) =>
            Respond(actions.ResolveAsync(id, user, ct))).WithSummary("Resolves the conversation.");
        group.MapPost("/{id:guid}/reopen", (Guid id, ClaimsPrincipal user, ConversationActions actions, CancellationToken ct) =>
            Respond(actions.ReopenAsync(id, user, ct))).WithSummary("Reopens a resolved conversation and routes it again.");
        group.MapGet("/{id:guid}/decisions", DecisionsAsync).WithSummary("Every routing decision on the conversation, with its reason (\"why this agent\").");
        return group;
    }

    private static async Task<Results<Ok<List<ConversationView>>, ValidationProblem>> ListAsync(
        HubDbContext db, ClaimsPrincipal user, string? status, string? assignee, string? channel, CancellationToken ct)
    {
        var query = db.Conversations.AsQueryable();
        if (status is not null)
        {
            if (!Enum.TryParse<ConversationStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["status must be open, waiting, assigned or resolved."] });
            }
            query = query.Where(c => c.Status == s);
        }
        if (assignee is not null)
        {
            Guid assigneeId;
            if (assignee == "me")
            {
                assigneeId = user.AgentId();
            }
            else if (!Guid.TryParse(assignee, out assigneeId))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["assignee"] = ["assignee must be \"me\" or an agent id."] });
            }
            query = query.Where(c => c.AssigneeId == assigneeId);
        }
        if (channel is not null)
        {
            query = query.Where(c => c.Channel == channel);
        }
        query = status == "waiting"
            ? query.OrderByDescending(c => c.Priority).ThenBy(c => c.WaitingSince)
            : query.OrderByDescending(c => c.LastMessageAt);
        return TypedResults.Ok(await ConversationViews.ForAsync(db, query.Take(500), ct));
    }

    private static async Task<Results<Ok<List<MessageView>>, ProblemHttpResult>> MessagesAsync(
        Guid id, HubDbContext db, ClaimsPrincipal user, VisitorNotifier visitors, CancellationToken ct)
    {
        var assignee = await db.Conversations.Where(c => c.Id == id).Select(c => new { c.AssigneeId }).FirstOrDefaultAsync(ct);
        if (assignee is null)
        {
            return NotFound(id);
        }
        var messages = await db.Messages.AsNoTracking().Include(m => m.Attachments)
            .Where(m => m.ConversationId == id).OrderBy(m => m.CreatedAt).ToListAsync(ct);
        var authorIds = messages.Where(m => m.AuthorAgentId != null).Select(m => m.AuthorAgentId!.Value).Distinct().ToList();
        var names = await db.Agents.AsNoTracking().Where(a => authorIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        if (assignee.AssigneeId == user.AgentId())
        {
            await visitors.InboundReadAsync(id, ct);
        }
        // Replies the outbox is retrying show why after a reload too, not only when the push arrives.
        var pendingIds = messages.Where(m => m.DeliveryStatus == DeliveryStatus.Pending).Select(m => m.Id).ToList();
        var retries = pendingIds.Count == 0
            ? []
            : await db.Outbox.AsNoTracking().Where(o => pendingIds.Contains(o.MessageId) && o.State == OutboxState.Pending && o.LastError != null)
                .ToDictionaryAsync(o => o.MessageId, o => new RetryView(o.Attempts, o.LastError!, o.NextAttemptAt), ct);
        return TypedResults.Ok(messages.Select(m => ConversationViews.From(m, m.AuthorAgentId is { } a ? names.GetValueOrDefault(a) : null)
            with { Retry = retries.GetValueOrDefault(m.Id) }).ToList());
    }

    private static async Task<IResult> ReplyAsync(Guid id, ReplyRequest request, ClaimsPrincipal user, ConversationActions actions, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Body))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The message body is empty."] });
        }
        if (request.Channel is { Length: > 0 } channel && !Crm.Channels.ChannelNames.IsKnown(channel))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["channel"] = [$"'{channel}' is not a channel; use one of {string.Join(", ", Crm.Channels.ChannelNames.All)}."],
            });
        }
        if (request.Body.Length > ConversationActions.MaxBodyLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = [$"The message is {request.Body.Length} characters long; the limit is {ConversationActions.MaxBodyLength}."],
            });
        }
        var (message, refused) = await actions.ReplyAsync(id, request, user, ct);
        return refused is null ? TypedResults.Created($"/api/v1/conversations/{id}/messages/{message!.Id}", message) : Problem(refused);
    }

    public const int MaxFilesPerReply = 10;

    private static async Task<IResult> ReplyWithFilesAsync(Guid id, HttpContext http, ClaimsPrincipal user, ConversationActions actions,
        Attachments.AttachmentStore store, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.Problem(title: "Form expected", detail: "Send the reply as multipart/form-data with one or more 'file' parts.",
                statusCode: StatusCodes.Status400BadRequest);
        }
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return TypedResults.Problem(title: "Malformed form", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        var body = form["body"].ToString();
        if (form.Files.Count is 0 or > MaxFilesPerReply || body.Length > ConversationActions.MaxBodyLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [form.Files.Count == 0 || form.Files.Count > MaxFilesPerReply ? "file" : "body"] =
                [form.Files.Count == 0 ? "Attach at least one file." : form.Files.Count > MaxFilesPerReply
                    ? $"At most {MaxFilesPerReply} files per reply." : $"The message is longer than {ConversationActions.MaxBodyLength} characters."],
            });
        }
        // Checked before anything is stored, so a refused request leaves no files behind.
        var channel = form["channel"].ToString();
        if (channel.Length > 0 && !ChannelNames.IsKnown(channel))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["channel"] = [$"'{channel}' is not a channel; use one of {string.Join(", ", ChannelNames.All)}."],
            });
        }
        var saved = new List<InboundAttachment>();
        foreach (var file in form.Files)
        {
            try
            {
                await using var stream = file.OpenReadStream();
                saved.Add(await store.SaveAsync(stream, file.FileName, file.ContentType, ct));
            }
            catch (Attachments.AttachmentTooLargeException ex)
            {
                return TypedResults.Problem(title: "File too large", detail: ex.Message, statusCode: StatusCodes.Status413PayloadTooLarge);
            }
        }
        var (message, refused) = await actions.ReplyAsync(id, new ReplyRequest(body, Internal: false, Channel: channel.Length > 0 ? channel : null), user, ct, saved);
        return refused is null ? TypedResults.Created($"/api/v1/conversations/{id}/messages/{message!.Id}", message) : Problem(refused);
    }

    private static async Task<IResult> TransferAsync(Guid id, TransferRequest request, ClaimsPrincipal user, ConversationActions actions, CancellationToken ct)
    {
        if ((request.AgentId is null) == (request.TeamId is null))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["target"] = ["Give exactly one of agentId or teamId."] });
        }
        if (request.Note is { Length: > ConversationActions.MaxBodyLength })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["note"] = [$"The note is {request.Note.Length} characters long; the limit is {ConversationActions.MaxBodyLength}."],
            });
        }
        return await Respond(actions.TransferAsync(id, request, user, ct));
    }

    private static async Task<Results<Ok<List<DecisionView>>, ProblemHttpResult>> DecisionsAsync(Guid id, HubDbContext db, CancellationToken ct)
    {
        if (!await db.Conversations.AnyAsync(c => c.Id == id, ct))
        {
            return NotFound(id);
        }
        var rows = await db.Events.AsNoTracking()
            .Where(e => e.ConversationId == id && e.Kind == EventKinds.RoutingDecision)
            .OrderBy(e => e.Seq).Select(e => e.Data).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => JsonSerializer.Deserialize<DecisionView>(r, Realtime.WireJson.Options)!).ToList());
    }

    private static async Task<IResult> Respond(Task<(ConversationView? View, ActionRefused? Refused)> action)
    {
        var (view, refused) = await action;
        return refused is null ? TypedResults.Ok(view) : Problem(refused);
    }

    internal static ProblemHttpResult Problem(ActionRefused refused) =>
        TypedResults.Problem(title: refused.Title, detail: refused.Detail, statusCode: refused.Status);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(title: "Conversation not found", detail: $"There is no conversation {id}.", statusCode: StatusCodes.Status404NotFound);
}
