using System.Security.Claims;
using Crm.Channels;
using Crm.Channels.Email;
using Crm.Channels.Phones;
using Crm.Hub.Auth;
using Crm.Hub.Conversations;
using Crm.Hub.Hosting;
using Crm.Hub.Outbox;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Channels;

public sealed record ChannelSettingValue(string Key, string Label, bool Secret, bool Required, string? Hint, string? Value, bool IsSet, string Source);

public sealed record ChannelStatusView(
    string Channel, bool Configured, IReadOnlyList<string> WebhookUrls, IReadOnlyList<ChannelSettingValue> Settings,
    DateTimeOffset? LastInboundAt, string? LastError, DateTimeOffset? LastErrorAt, int PendingSends, int FailedSends,
    IReadOnlyDictionary<string, object?>? Mailbox = null);

public sealed record ChannelSettingsRequest(Dictionary<string, string?>? Values);

public sealed record ChannelTestRequest(string? To, string? Body);

public sealed record ChannelTestResult(string Outcome, string? ProviderMessageId, string? Error);

internal static class ChannelAdminApi
{
    public static RouteGroupBuilder MapChannelAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/channels").WithTags("Admin").RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListAsync).WithSummary("Every channel: configured or not, webhook URLs, settings (secrets never returned), last inbound, last error.");
        group.MapPut("/{channel}/settings", SaveAsync).WithSummary("Saves channel settings; validated as at start-up, effective without a restart. null removes an override; an empty secret keeps it.");
        group.MapPost("/{channel}/test", TestAsync).WithSummary("Sends one test message through the channel now and reports the provider's answer.");
        group.MapPost("/email/connection-test", ConnectionTestAsync)
            .WithSummary("Tries the mailbox settings (as saved, or with the values given, before saving) step by step: DNS, connect and TLS, sign-in, folder.");
        return group;
    }

    private static async Task<Ok<List<ChannelStatusView>>> ListAsync(HubDbContext db, IConfiguration configuration, ChannelSettingsConfiguration saved,
        IOptions<HubOptions> hub, IServiceProvider services, CancellationToken ct)
    {
        var views = new List<ChannelStatusView>();
        foreach (var d in ChannelCatalog.All)
        {
            views.Add(await ViewAsync(d, db, configuration, saved, hub.Value, services, ct));
        }
        return TypedResults.Ok(views);
    }

    /// <summary>One channel's card. A handful of small queries per channel, each narrowed to the channel by an index.</summary>
    private static async Task<ChannelStatusView> ViewAsync(ChannelDescriptor d, HubDbContext db, IConfiguration configuration, ChannelSettingsConfiguration saved,
        HubOptions hub, IServiceProvider services, CancellationToken ct)
    {
        var lastInbound = await db.Messages.AsNoTracking().Where(m => m.Channel == d.Channel && m.Direction == MessageDirection.Inbound)
            .MaxAsync(m => (DateTimeOffset?)m.CreatedAt, ct);
        var counts = await db.Outbox.AsNoTracking().Where(o => o.Channel == d.Channel && (o.State == OutboxState.Pending || o.State == OutboxState.Failed))
            .GroupBy(o => o.State).Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync(ct);
        var error = await db.Outbox.AsNoTracking().Where(o => o.Channel == d.Channel && o.LastError != null)
            .OrderByDescending(o => o.CreatedAt).Select(o => new { o.LastError, At = o.CompletedAt ?? o.NextAttemptAt }).FirstOrDefaultAsync(ct);
        IReadOnlyDictionary<string, object?>? mailbox = null;
        if (d.Channel == ChannelNames.Email && services.GetService<Email.MailboxHealth>() is { } health)
        {
            var snapshot = new Dictionary<string, object?>(health.Snapshot())
            {
                ["quarantined"] = await db.QuarantinedEmails.CountAsync(ct),
            };
            mailbox = snapshot;
        }
        return new ChannelStatusView(d.Channel, d.IsConfigured(services), [.. d.WebhookPaths.Select(hub.Url)],
            [.. d.Fields.Select(f => Setting(d, f, configuration, saved))], lastInbound, error?.LastError, error?.At,
            counts.FirstOrDefault(c => c.State == OutboxState.Pending)?.Count ?? 0, counts.FirstOrDefault(c => c.State == OutboxState.Failed)?.Count ?? 0,
            mailbox);
    }

    private static ChannelSettingValue Setting(ChannelDescriptor d, ChannelSettingField f, IConfiguration configuration, ChannelSettingsConfiguration saved)
    {
        var key = $"{d.Section}:{f.Key}";
        var value = configuration[key];
        var isSet = !string.IsNullOrEmpty(value);
        return new ChannelSettingValue(f.Key, f.Label, f.Secret, f.Required, f.Hint, f.Secret ? null : value, isSet,
            saved.Overrides(key) ? "admin" : isSet ? "configuration" : "default");
    }

    private static async Task<IResult> SaveAsync(string channel, ChannelSettingsRequest request, HubDbContext db, IConfiguration configuration,
        ChannelSettingsConfiguration saved, IOptions<HubOptions> hub, IServiceProvider services, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        if (ChannelCatalog.Find(channel) is not { Fields.Count: > 0 } d)
        {
            return TypedResults.Problem(title: "Unknown channel", detail: $"'{channel}' has no settings here; use one of {string.Join(", ", ChannelCatalog.All.Where(c => c.Fields.Count > 0).Select(c => c.Channel))}.",
                statusCode: StatusCodes.Status404NotFound);
        }
        var values = request.Values ?? [];
        var unknown = values.Keys.Where(k => d.Fields.All(f => !string.Equals(f.Key, k, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            return TypedResults.ValidationProblem(unknown.ToDictionary(k => k, k => new[] { $"{channel} has no setting '{k}'." }));
        }
        var changes = new Dictionary<string, string?>();
        foreach (var (name, value) in values)
        {
            var field = d.Fields.First(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase));
            if (field.Secret && value == "")
            {
                continue; // an empty secret box means "keep what is there"
            }
            changes[$"{d.Section}:{field.Key}"] = value?.Trim();
        }

        // Validate the settings as they will be: what configuration shows below the admin overrides, the overrides kept, the new values.
        var candidate = Candidate(configuration, saved, d.Section, changes);
        var failures = d.Validate(services, candidate);
        if (failures.Count > 0)
        {
            return TypedResults.ValidationProblem(ChannelCatalog.KeyFailures(d, failures, candidate), title: $"The {channel} settings were not saved");
        }

        var now = time.GetUtcNow();
        var rows = await db.ChannelSettings.Where(s => changes.Keys.Contains(s.Key)).ToListAsync(ct);
        foreach (var (key, value) in changes)
        {
            var row = rows.FirstOrDefault(r => string.Equals(r.Key, key, StringComparison.OrdinalIgnoreCase));
            if (value is null)
            {
                if (row is not null)
                {
                    db.ChannelSettings.Remove(row);
                }
            }
            else if (row is null)
            {
                db.ChannelSettings.Add(new ChannelSetting { Key = key, Value = value, UpdatedAt = now, UpdatedByAgentId = user.AgentId() });
            }
            else
            {
                row.Value = value;
                row.UpdatedAt = now;
                row.UpdatedByAgentId = user.AgentId();
            }
        }
        await db.SaveChangesAsync(ct);
        saved.Replace(await db.ChannelSettings.AsNoTracking().ToListAsync(ct));
        return TypedResults.Ok(await ViewAsync(d, db, configuration, saved, hub.Value, services, ct));
    }

    private static async Task<IResult> ConnectionTestAsync(ChannelSettingsRequest? request, IConfiguration configuration, ChannelSettingsConfiguration saved,
        CancellationToken ct)
    {
        var d = ChannelCatalog.Find(ChannelNames.Email)!;
        var changes = new Dictionary<string, string?>();
        foreach (var (name, value) in request?.Values ?? [])
        {
            if (d.Fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) is not { } field)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [name] = [$"email has no setting '{name}'."] });
            }
            if (!(field.Secret && value == ""))
            {
                changes[$"{d.Section}:{field.Key}"] = value?.Trim();
            }
        }
        var options = new EmailOptions();
        try
        {
            Candidate(configuration, saved, d.Section, changes).GetSection(d.Section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(title: "Settings cannot be read", detail: ex.InnerException?.Message ?? ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        if (string.IsNullOrWhiteSpace(options.Address) || !EmailOptions.IsValidAddress(options.Address))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["Address"] = ["The support address must be set to a valid email address."] });
        }
        return TypedResults.Ok(await MailConnectionTest.RunAsync(options, ct));
    }

    /// <summary>
    /// The channel's section as it will read after the save: a removed override lets appsettings or the environment show
    /// through again, a new value wins. Only the section is needed: the options bind from it alone.
    /// </summary>
    private static IConfiguration Candidate(IConfiguration configuration, ChannelSettingsConfiguration saved, string section, Dictionary<string, string?> changes)
    {
        var values = configuration.GetSection(section).AsEnumerable().Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        var below = configuration is IConfigurationRoot root ? root.Providers.Where(p => !ReferenceEquals(p, saved)).Reverse().ToList() : [];
        foreach (var (key, value) in changes)
        {
            var shown = value;
            foreach (var provider in value is null ? below : [])
            {
                if (provider.TryGet(key, out shown))
                {
                    break;
                }
            }
            if (shown is null)
            {
                values.Remove(key);
            }
            else
            {
                values[key] = shown;
            }
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static async Task<IResult> TestAsync(string channel, ChannelTestRequest request, IEnumerable<IChannelSender> senders, IServiceProvider services,
        IOptionsMonitor<PhoneOptions> phones, TimeProvider time, CancellationToken ct)
    {
        if (ChannelCatalog.Find(channel) is not { } d || channel is ChannelNames.WebChat)
        {
            return TypedResults.Problem(title: "No test send", detail: $"'{channel}' cannot send a test message from here.", statusCode: StatusCodes.Status404NotFound);
        }
        if (!d.IsConfigured(services))
        {
            return TypedResults.Problem(title: $"{channel} is off", detail: $"Save the {channel} settings first.", statusCode: StatusCodes.Status400BadRequest);
        }
        var to = request.To?.Trim() ?? "";
        if (channel is ChannelNames.Sms or ChannelNames.Fax)
        {
            to = PhoneNumberNormalizer.Normalize(to, phones.CurrentValue.DefaultRegion) is { E164: { } e164 } ? e164 : "";
        }
        if (channel == ChannelNames.Email && !EmailOptions.IsValidAddress(to))
        {
            to = "";
        }
        if (to.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["to"] = [channel switch
                {
                    ChannelNames.Telegram => "A Telegram chat id (the customer's user id) is required.",
                    ChannelNames.Email => "A valid email address is required.",
                    _ => "A valid phone number is required.",
                }],
            });
        }
        if (senders.FirstOrDefault(s => s.Channel == channel) is not { } sender)
        {
            return TypedResults.Problem(title: $"{channel} is off", detail: $"This hub has no sender for {channel}.", statusCode: StatusCodes.Status400BadRequest);
        }
        var body = string.IsNullOrWhiteSpace(request.Body) ? "Test message from Crm.Hub" : request.Body.Trim();
        var now = time.GetUtcNow();
        SendResult result;
        try
        {
            result = await sender.SendAsync(new OutboundMessage(Guid.CreateVersion7(now), new ChannelAddress(channel, "default", to), body, "Crm.Hub", now), ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // As the outbox treats it: a provider that cannot be reached (or times out) is a retryable failure, not our 500.
            result = SendResult.Transient(ex.Message);
        }
        return TypedResults.Ok(new ChannelTestResult(result.Outcome switch
        {
            SendOutcome.Sent => "sent",
            SendOutcome.TransientFailure => "transient",
            _ => "permanent",
        }, result.ProviderMessageId, result.Error));
    }
}
