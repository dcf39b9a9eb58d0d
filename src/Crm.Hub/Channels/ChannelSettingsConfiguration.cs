using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Channels;

/// <summary>
/// Channel settings saved on the admin page, as a configuration source added after appsettings and the environment,
/// so they win. Filled from the database once it is migrated and again on every save; the reload token lets
/// <c>IOptionsMonitor</c> readers see new values without a restart.
/// </summary>
internal sealed class ChannelSettingsConfiguration : ConfigurationProvider, IConfigurationSource
{
    public const string Prefix = "Crm:Channels:";

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void Replace(IEnumerable<ChannelSetting> rows)
    {
        Data = rows.Where(r => r.Key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(r => r.Key, r => (string?)r.Value, StringComparer.OrdinalIgnoreCase);
        OnReload();
    }

    public bool Overrides(string key) => Data.ContainsKey(key);
}

internal static class ChannelSettingsSetup
{
    public static ChannelSettingsConfiguration AddChannelSettings(this WebApplicationBuilder builder)
    {
        var source = new ChannelSettingsConfiguration();
        ((IConfigurationBuilder)builder.Configuration).Add(source);
        builder.Services.AddSingleton(source);
        return source;
    }

    /// <summary>After migrations: the saved settings take effect before the channels start.</summary>
    public static async Task LoadChannelSettingsAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        app.Services.GetRequiredService<ChannelSettingsConfiguration>().Replace(await db.ChannelSettings.AsNoTracking().ToListAsync());
    }
}
