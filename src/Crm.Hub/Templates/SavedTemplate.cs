using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Templates;

/// <summary>
/// A template a marketer wrote and keeps for campaigns and reminders: its channel, syntax and text per locale. A campaign
/// copies the text when it is created, so editing a template later never changes what a running campaign sends.
/// </summary>
internal sealed class SavedTemplate
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Channel { get; set; }
    public TemplateSyntax Syntax { get; set; }
    public string? BodyEn { get; set; }
    public string? SubjectEn { get; set; }
    public string? BodyFa { get; set; }
    public string? SubjectFa { get; set; }
    public Guid UpdatedByAgentId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<SavedTemplate>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(100);
            e.HasIndex(t => t.Name).IsUnique();
            e.Property(t => t.Channel).HasMaxLength(16);
            e.Property(t => t.Syntax).HasConversion<string>().HasMaxLength(16);
            e.Property(t => t.BodyEn).HasMaxLength(SavedTemplatesApi.MaxBodyLength);
            e.Property(t => t.BodyFa).HasMaxLength(SavedTemplatesApi.MaxBodyLength);
            e.Property(t => t.SubjectEn).HasMaxLength(SavedTemplatesApi.MaxSubjectLength);
            e.Property(t => t.SubjectFa).HasMaxLength(SavedTemplatesApi.MaxSubjectLength);
        });
}
