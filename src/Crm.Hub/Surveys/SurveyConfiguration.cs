using Crm.Hub.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Surveys;

internal static class SurveyConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SurveyRequest>(e =>
        {
            e.Property(s => s.Kind).HasConversion<string>().HasMaxLength(8);
            e.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
            e.Property(s => s.Channel).HasMaxLength(16);
            e.Property(s => s.Locale).HasMaxLength(8);
            e.Property(s => s.SkipReason).HasMaxLength(200);
            e.Property(s => s.Comment).HasMaxLength(2000);
            e.Property(s => s.AnsweredVia).HasMaxLength(16);
            // The once-only guard: a second node or a retry after a crash fails here instead of surveying twice.
            e.HasIndex(s => s.ConversationId).IsUnique();
            // An inbound SMS or Telegram message looks for its contact's open survey on its channel.
            e.HasIndex(s => new { s.ContactId, s.Channel, s.State });
            e.HasIndex(s => new { s.State, s.ExpiresAt });
            e.HasIndex(s => s.AnsweredAt);
            e.HasIndex(s => s.MessageId);
        });

        modelBuilder.Entity<FollowUpTask>(e =>
        {
            e.Property(f => f.Reason).HasMaxLength(16);
            e.Property(f => f.Detail).HasMaxLength(500);
            e.Property(f => f.Status).HasConversion<string>().HasMaxLength(8);
            e.Property(f => f.Note).HasMaxLength(2000);
            e.HasIndex(f => new { f.ConversationId, f.Reason }).IsUnique();
            e.HasIndex(f => new { f.Status, f.CreatedAt });
        });

        // The survey sweep looks for conversations resolved within a window.
        modelBuilder.Entity<Conversation>().HasIndex(c => c.ResolvedAt);
    }
}
