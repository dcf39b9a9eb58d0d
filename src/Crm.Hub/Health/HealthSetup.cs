using System.Text.Json;
using Crm.Channels;
using Crm.Channels.Email;
using Crm.Channels.Fax;
using Crm.Channels.Sms;
using Crm.Channels.Telegram;
using Crm.Channels.WebChat;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Health;

internal static class HealthSetup
{
    public static IServiceCollection AddHubHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<ChannelsHealthCheck>("channels", tags: ["ready"])
            .AddCheck<MailboxHealthCheck>("mailbox", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapHubHealth(this IEndpointRouteBuilder routes)
    {
        // Live: the process answers. Ready: it can take traffic (database reachable), with each channel's state.
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteAsync });
        return routes;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        }, Realtime.WireJson.Options);
    }
}

internal sealed class DatabaseHealthCheck(HubDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy("The database answers.")
            : HealthCheckResult.Unhealthy("The database does not answer.");
}

/// <summary>Which channels are on; a channel that is off is not a fault.</summary>
internal sealed class ChannelsHealthCheck(IOptions<WebChatOptions> webChat, IOptionsMonitor<SmsOptions> sms,
    IOptionsMonitor<TelegramOptions> telegram, IOptionsMonitor<FaxOptions> fax, IOptionsMonitor<EmailOptions> email, Email.MailboxHealth mailbox,
    IOptions<Hosting.HubOptions> hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = new Dictionary<string, object>
        {
            [ChannelNames.WebChat] = webChat.Value.Enabled ? "on" : "off",
            [ChannelNames.Sms] = sms.CurrentValue.IsConfigured ? "on" : "off: not configured",
            [ChannelNames.Email] = email.CurrentValue.IsConfigured ? $"on: {mailbox.State}" : "off: not configured",
            [ChannelNames.Fax] = fax.CurrentValue.IsConfigured ? $"on: {fax.CurrentValue.Provider}" : "off: not configured",
            [ChannelNames.Telegram] = telegram.CurrentValue.IsConfigured
                ? $"on: {telegram.CurrentValue.EffectiveMode(hub.Value.PublicBaseUrl).ToString().ToLowerInvariant()}"
                : "off: not configured",
        };
        return Task.FromResult(HealthCheckResult.Healthy("Channel states.", states));
    }
}

/// <summary>
/// The support mailbox as the watcher last saw it: last sync, messages waiting and how long the oldest has waited, the last error.
/// A mailbox that cannot be read degrades readiness (the hub still takes every other channel's traffic).
/// </summary>
internal sealed class MailboxHealthCheck(IOptionsMonitor<EmailOptions> email, Email.MailboxHealth mailbox) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!email.CurrentValue.IsConfigured)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No mailbox is configured."));
        }
        var data = mailbox.Snapshot().Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!);
        return Task.FromResult(mailbox.State == "error"
            ? HealthCheckResult.Degraded($"The mailbox cannot be read: {mailbox.LastError}", data: data)
            : HealthCheckResult.Healthy($"Mailbox {mailbox.State}.", data));
    }
}
