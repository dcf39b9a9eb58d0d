using Crm.Channels;
using Crm.Channels.WebChat;
using Crm.Hub.Realtime;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Crm.Hub.WebChat;

internal static class WebChatSetup
{
    public static IServiceCollection AddWebChat(this IServiceCollection services)
    {
        services.AddOptions<WebChatOptions>().BindConfiguration(WebChatOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.AllowedOrigins.All(IsOrigin), "Crm:Channels:WebChat:AllowedOrigins must hold origins like https://shop.example (scheme, host, optional port; no path).")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<WebChatOptions>>((o, webChat) => o.AddPolicy(WidgetApi.CorsPolicy, p => p
            .WithOrigins(webChat.Value.AllowedOrigins.Select(x => x.TrimEnd('/')).ToArray())
            .AllowAnyHeader()
            .AllowAnyMethod()
            // SignalR's browser client negotiates with credentials by default; no cookie is read for visitors.
            .AllowCredentials()));
        // Anonymous: each client address may start a bounded number of widget sessions a minute.
        services.AddRateLimiter(o => o.AddPolicy(WidgetApi.RateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = ctx.RequestServices.GetRequiredService<IOptions<WebChatOptions>>().Value.SessionsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })));
        services.AddSingleton<VisitorTokens>();
        services.AddSingleton<VisitorNotifier>();
        services.AddSingleton<IChannelSender, WebChatSender>();
        return services;
    }

    public static IEndpointRouteBuilder MapWebChat(this IEndpointRouteBuilder routes)
    {
        routes.MapWidgetApi();
        routes.MapHub<VisitorHub>("/hubs/visitor").RequireCors(WidgetApi.CorsPolicy);
        routes.MapHub<AgentHub>("/hubs/agent");
        return routes;
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/";
}
