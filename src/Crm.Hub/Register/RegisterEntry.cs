using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Register;

internal enum RegisterStatus
{
    Open,
    InProgress,
    Resolved,
}

/// <summary>
/// A complaint or suggestion in the register: the conversation it came from (its category says which), how far it has got and
/// who owns it. A conversation filed as a complaint or suggestion is in the register as open until someone changes that; this
/// row exists once someone did.
/// </summary>
internal sealed class RegisterEntry
{
    public Guid ConversationId { get; set; }
    public RegisterStatus Status { get; set; }
    public Guid? OwnerId { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid? UpdatedBy { get; set; }
}

internal static class RegisterConfiguration
{
    public static void Configure(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<RegisterEntry>(e =>
        {
            e.HasKey(r => r.ConversationId);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Note).HasMaxLength(1000);
            e.HasIndex(r => new { r.Status, r.OwnerId });
        });
}
