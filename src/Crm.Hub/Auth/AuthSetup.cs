using System.Threading.RateLimiting;
using Crm.Hub.Agents;
using Crm.Hub.Storage;
using Crm.Hub.WebChat;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Auth;

internal static class AuthSetup
{
    public const string StaffScheme = "staff";
    public const string LoginRateLimit = "login";

    public static IServiceCollection AddStaffAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section);

        // Cookies, bearer tokens and visitor tokens survive restarts because the keys do.
        services.AddDataProtection().SetApplicationName("Crm.Hub");
        services.AddOptions<KeyManagementOptions>().Configure<IConfiguration, IHostEnvironment, ILoggerFactory>((o, configuration, environment, loggers) =>
            o.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(DataDirectory.Resolve(configuration, environment), "keys")), loggers));

        services.AddSingleton<IPasswordHasher<Agent>, PasswordHasher<Agent>>();

        services.AddAuthentication(StaffScheme)
            .AddPolicyScheme(StaffScheme, "Cookie or bearer token", o => o.ForwardDefaultSelector = SelectScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "crm.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;
                // An API answers 401/403; the console decides to show its login page.
                o.Events.OnRedirectToLogin = ctx => { ctx.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = ctx => { ctx.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            })
            .AddBearerToken(BearerTokenDefaults.AuthenticationScheme, o =>
            {
                o.Events.OnMessageReceived = ctx =>
                {
                    // Browsers cannot set headers on WebSocket requests; SignalR sends the token in the query.
                    if (ctx.Request.Path.StartsWithSegments("/hubs") && ctx.Request.Query.TryGetValue("access_token", out var token))
                    {
                        ctx.Token = token;
                    }
                    return Task.CompletedTask;
                };
            })
            .AddScheme<VisitorAuthenticationOptions, VisitorAuthenticationHandler>(VisitorAuthenticationHandler.SchemeName, _ => { });

        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((o, auth) => o.ExpireTimeSpan = TimeSpan.FromHours(auth.Value.CookieLifetimeHours));
        services.AddOptions<BearerTokenOptions>(BearerTokenDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((o, auth) => o.BearerTokenExpiration = TimeSpan.FromMinutes(auth.Value.TokenLifetimeMinutes));

        services.AddSingleton<StaffDirectory>();
        services.AddSingleton<IAuthorizationHandler, ActiveStaffHandler>();
        var activeStaff = new ActiveStaffRequirement();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.AddAuthenticationSchemes(StaffScheme).RequireAuthenticatedUser()
                .RequireRole(Enum.GetNames<AgentRole>()).AddRequirements(activeStaff))
            .AddPolicy(Policies.Admin, p => p.AddAuthenticationSchemes(StaffScheme).RequireRole(nameof(AgentRole.Admin)).AddRequirements(activeStaff))
            .AddPolicy(Policies.SupervisorOrAdmin, p => p.AddAuthenticationSchemes(StaffScheme)
                .RequireRole(nameof(AgentRole.Supervisor), nameof(AgentRole.Admin)).AddRequirements(activeStaff))
            .AddPolicy(Policies.Marketing, p => p.AddAuthenticationSchemes(StaffScheme)
                .RequireRole(nameof(AgentRole.Marketer), nameof(AgentRole.Supervisor), nameof(AgentRole.Admin)).AddRequirements(activeStaff))
            .AddPolicy(Policies.Visitor, p => p.AddAuthenticationSchemes(VisitorAuthenticationHandler.SchemeName).RequireAuthenticatedUser());

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = ctx.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            o.OnRejected = async (ctx, ct) =>
            {
                if (ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    ctx.HttpContext.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                var login = ctx.HttpContext.Request.Path.StartsWithSegments("/api/v1/auth");
                await TypedResults.Problem(
                    title: login ? "Too many login attempts" : "Too many requests",
                    detail: login
                        ? "Too many login attempts from this address. Wait a minute and try again."
                        : "Too many requests from this address. Wait a minute and try again.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(ctx.HttpContext);
            };
        });
        return services;
    }

    private static string SelectScheme(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ||
            (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query.ContainsKey("access_token")))
        {
            return BearerTokenDefaults.AuthenticationScheme;
        }
        return CookieAuthenticationDefaults.AuthenticationScheme;
    }
}
