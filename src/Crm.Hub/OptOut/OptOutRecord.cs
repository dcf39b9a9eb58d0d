using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.OptOut;

/// <summary>How an address came onto (or off) the suppression list.</summary>
internal static class OptOutSources
{
    /// <summary>The customer texted STOP (or the carrier refused the number: Twilio 21610).</summary>
    public const string Stop = "stop";
    public const string TelegramBlock = "telegram-block";
    public const string UnsubscribeLink = "unsubscribe-link";
    public const string Admin = "admin";
    /// <summary>Mail to the address bounced for good.</summary>
    public const string Bounce = "bounce";
    public const string Unknown = "unknown";
}

internal enum OptOutAction
{
    OptedOut,
    Resubscribed,
}

/// <summary>
/// The audit trail of the suppression list: who took an address off (or back onto) a channel, when, how, and from which campaign.
/// Campaign reports count opt-outs by <see cref="CampaignId"/>. STOP and Telegram blocks set the identity directly and leave no
/// row; their source is then read from the channel (<see cref="Suppressions.SourceOf"/>).
/// </summary>
internal sealed class OptOutRecord
{
    public Guid Id { get; set; }
    public required string Channel { get; set; }
    public required string Address { get; set; }
    public Guid? ContactId { get; set; }
    public OptOutAction Action { get; set; }
    public required string Source { get; set; }
    public Guid? CampaignId { get; set; }

    /// <summary>The staff member who did it; null when the customer did (a link, a keyword).</summary>
    public Guid? AgentId { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset At { get; set; }
}

internal static class OptOutConfiguration
{
    public static void Configure(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<OptOutRecord>(e =>
        {
            e.ToTable("OptOutRecords");
            e.Property(r => r.Channel).HasMaxLength(16);
            e.Property(r => r.Address).HasMaxLength(320);
            e.Property(r => r.Action).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Source).HasMaxLength(32);
            e.Property(r => r.Reason).HasMaxLength(500);
            e.HasIndex(r => new { r.Channel, r.Address, r.At });
            e.HasIndex(r => r.CampaignId);
        });
}
