using System.Text.Json;
using Crm.Hub.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Crm.Hub.Contacts;

/// <summary>Pushes an import's progress to the consoles of the user who started it (a transient event: the import's GET has the same figures).</summary>
internal sealed partial class ContactImportProgress(IHubContext<AgentHub, IAgentClient> hub, TimeProvider time, ILogger<ContactImportProgress> logger)
{
    public const string EventType = nameof(IAgentClient.ContactImportProgress);

    public async Task PushAsync(ContactImport import)
    {
        try
        {
            await hub.Clients.User(import.AgentId.ToString()).ContactImportProgress(new HubEvent(0, EventType, null, time.GetUtcNow(),
                JsonSerializer.SerializeToElement(ContactImportApi.View(import), WireJson.Options)));
        }
        catch (Exception ex)
        {
            // Progress is also readable from GET /api/v1/contact-imports/{id}; a lost push costs nothing.
            LogPushFailed(logger, ex, import.Id);
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Progress push for contact import {ImportId} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception ex, Guid importId);
}
