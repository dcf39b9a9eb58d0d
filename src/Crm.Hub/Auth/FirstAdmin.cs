using System.Security.Cryptography;
using Crm.Channels;
using Crm.Hub.Agents;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Auth;

/// <summary>On first start (no admin in the database) creates one and says how to sign in, once.</summary>
internal static class FirstAdmin
{
    public const string DefaultEmail = "admin@localhost";

    public static async Task EnsureFirstAdminAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        if (await db.Agents.AnyAsync(a => a.Role == AgentRole.Admin))
        {
            return;
        }
        var bootstrap = scope.ServiceProvider.GetRequiredService<IOptions<BootstrapOptions>>().Value;
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<Agent>>();
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();

        var generated = string.IsNullOrEmpty(bootstrap.AdminPassword);
        var password = generated ? RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 16) : bootstrap.AdminPassword!;
        var admin = new Agent
        {
            Id = Guid.CreateVersion7(),
            Email = (string.IsNullOrWhiteSpace(bootstrap.AdminEmail) ? DefaultEmail : bootstrap.AdminEmail).Trim().ToLowerInvariant(),
            DisplayName = "Administrator",
            PasswordHash = "",
            Role = AgentRole.Admin,
            CreatedAt = time.GetUtcNow(),
            Capacities = AgentDefaults.Capacities(),
        };
        admin.PasswordHash = hasher.HashPassword(admin, password);
        db.Agents.Add(admin);
        await db.SaveChangesAsync();

        if (generated)
        {
            // Printed, not logged: the password must not end up in log files or collectors.
            Console.WriteLine();
            Console.WriteLine("  First start: an admin account was created.");
            Console.WriteLine($"    email:    {admin.Email}");
            Console.WriteLine($"    password: {password}");
            Console.WriteLine("  It is shown only this once (only its hash is stored). Change it after signing in.");
            Console.WriteLine();
        }
    }
}

internal static class AgentDefaults
{
    public static List<AgentCapacity> Capacities() =>
    [
        new() { Channel = ChannelNames.WebChat, Capacity = 3 },
        new() { Channel = ChannelNames.Sms, Capacity = 5 },
        new() { Channel = ChannelNames.Email, Capacity = 5 },
        new() { Channel = ChannelNames.Fax, Capacity = 2 },
        new() { Channel = ChannelNames.Telegram, Capacity = 3 },
    ];
}
