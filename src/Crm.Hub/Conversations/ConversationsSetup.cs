using Crm.Hub.Agents;
using Crm.Hub.Outbox;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;

namespace Crm.Hub.Conversations;

internal static class ConversationsSetup
{
    /// <summary>The conversation spine: ingest, routing loop, outbox, realtime pushes.</summary>
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<HubRoutingOptions>().BindConfiguration(HubRoutingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<QueueClassifier>();
        services.AddScoped<Routing.WhatIf.WhatIfRunner>();
        services.AddSingleton<RoutingLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<RoutingLoop>());
        services.AddScoped<RoutingDecisionApplier>();
        services.AddSingleton<AgentPresenceTracker>();
        services.AddSingleton<AgentConnections>();
        services.AddSingleton<IngestPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestPipeline>());
        services.AddScoped<ConversationActions>();
        services.AddOptions<ConversationCategoryOptions>().BindConfiguration(ConversationCategoryOptions.Section).PostConfigure(o =>
            o.Categories = o.Categories.Count > 0 ? [.. o.Categories.Select(c => c.Trim().ToLowerInvariant()).Distinct()] : [.. ConversationCategoryOptions.Defaults]);
        services.AddSingleton<OutboxSignal>();
        services.AddHostedService<OutboxDispatcher>();
        services.AddSingleton<StaffBroadcaster>();
        services.AddHostedService(sp => sp.GetRequiredService<StaffBroadcaster>());
        services.AddSignalR(o => o.MaximumReceiveMessageSize = 64 * 1024)
            .AddJsonProtocol(o => WireJson.Configure(o.PayloadSerializerOptions));
        return services;
    }

}
