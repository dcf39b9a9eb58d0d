using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Contacts;

/// <summary>Tables of the contact profile (tags, attributes, consent), imports and segments, kept out of the shared context file.</summary>
internal static class ContactProfileConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ContactTag>(e =>
        {
            e.HasKey(t => new { t.ContactId, t.Tag });
            e.Property(t => t.Tag).HasMaxLength(ContactProfileRules.MaxTagLength);
            e.HasIndex(t => t.Tag);
        });

        modelBuilder.Entity<ContactAttribute>(e =>
        {
            e.HasKey(a => new { a.ContactId, a.Key });
            e.Property(a => a.Key).HasMaxLength(ContactProfileRules.MaxAttributeKeyLength);
            e.Property(a => a.Value).HasMaxLength(ContactProfileRules.MaxAttributeValueLength);
            e.HasIndex(a => new { a.Key, a.Value });
        });

        modelBuilder.Entity<ContactConsent>(e =>
        {
            e.HasKey(c => new { c.ContactId, c.Channel });
            e.Property(c => c.Channel).HasMaxLength(16);
            e.Property(c => c.Source).HasMaxLength(32);
            e.HasIndex(c => new { c.Channel, c.Granted });
        });

        modelBuilder.Entity<ContactImport>(e =>
        {
            e.Property(i => i.FileName).HasMaxLength(255);
            e.Property(i => i.StoragePath).HasMaxLength(500);
            e.Property(i => i.Delimiter).HasMaxLength(4);
            e.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(i => i.Mapping).HasMaxLength(8000);
            e.Property(i => i.Failure).HasMaxLength(1000);
            e.HasIndex(i => i.Status);
        });

        modelBuilder.Entity<Segments.Segment>(e =>
        {
            e.Property(s => s.Name).HasMaxLength(100);
            e.HasIndex(s => s.Name).IsUnique();
            e.Property(s => s.Definition).HasMaxLength(20000);
        });
    }
}
