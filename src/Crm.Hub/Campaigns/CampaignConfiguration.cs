using Crm.Hub.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Campaigns;

internal static class CampaignConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Campaign>(e =>
        {
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Channel).HasMaxLength(16);
            e.Property(c => c.Sender).HasMaxLength(200);
            e.Property(c => c.TemplateKey).HasMaxLength(100);
            e.Property(c => c.Syntax).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.BodyEn).HasMaxLength(CampaignRules.MaxBodyLength);
            e.Property(c => c.BodyFa).HasMaxLength(CampaignRules.MaxBodyLength);
            e.Property(c => c.SubjectEn).HasMaxLength(998);
            e.Property(c => c.SubjectFa).HasMaxLength(998);
            e.Property(c => c.Schedule).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.Cron).HasMaxLength(200);
            e.Property(c => c.ScheduleTimeZone).HasMaxLength(64);
            e.Property(c => c.DefaultTimeZone).HasMaxLength(64);
            e.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.ResumeTo).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(c => c.State);
        });

        modelBuilder.Entity<CampaignRecipient>(e =>
        {
            e.Property(r => r.Address).HasMaxLength(320);
            e.Property(r => r.TimeZone).HasMaxLength(64);
            e.Property(r => r.Locale).HasMaxLength(8);
            e.Property(r => r.Name).HasMaxLength(200);
            e.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Error).HasMaxLength(1000);
            e.Property(r => r.Subject).HasMaxLength(998);
            e.HasIndex(r => new { r.CampaignId, r.Run, r.ContactId }).IsUnique();
            // The runner pages through a run's pending recipients in id order (keyset), and counts a run by state.
            e.HasIndex(r => new { r.CampaignId, r.Run, r.State, r.Id });
            // One message per address per run, however many contacts share it.
            e.HasIndex(r => new { r.CampaignId, r.Run, r.Address });
            e.HasIndex(r => r.MessageId);
            e.HasIndex(r => new { r.ContactId, r.QueuedAt });
            e.HasOne<Campaign>().WithMany().HasForeignKey(r => r.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Conversation>().HasIndex(c => c.CampaignId);
    }
}
