using Crm.Hub.Agents;
using Crm.Hub.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Crm.Hub.Storage;

/// <summary>
/// The hub's database. The model sticks to what both SQLite and PostgreSQL express the same way:
/// enums as strings, GUID keys, no provider-specific SQL.
/// </summary>
internal sealed class HubDbContext(DbContextOptions<HubDbContext> options) : DbContext(options)
{
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ChannelIdentity> ChannelIdentities => Set<ChannelIdentity>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<ConversationEvent> Events => Set<ConversationEvent>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<AgentCapacity> AgentCapacities => Set<AgentCapacity>();
    public DbSet<AgentSkill> AgentSkills => Set<AgentSkill>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMembership> TeamMemberships => Set<TeamMembership>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<ContactMerge> ContactMerges => Set<ContactMerge>();
    public DbSet<ChannelCursor> ChannelCursors => Set<ChannelCursor>();
    public DbSet<Email.QuarantinedEmail> QuarantinedEmails => Set<Email.QuarantinedEmail>();
    public DbSet<ChannelSetting> ChannelSettings => Set<ChannelSetting>();
    public DbSet<Routing.RoutingQueue> RoutingQueues => Set<Routing.RoutingQueue>();
    public DbSet<Routing.RoutingPolicyVersion> RoutingPolicyVersions => Set<Routing.RoutingPolicyVersion>();
    public DbSet<ContactTag> ContactTags => Set<ContactTag>();
    public DbSet<ContactAttribute> ContactAttributes => Set<ContactAttribute>();
    public DbSet<ContactConsent> ContactConsents => Set<ContactConsent>();
    public DbSet<ContactImport> ContactImports => Set<ContactImport>();
    public DbSet<ContactImportMember> ContactImportMembers => Set<ContactImportMember>();
    public DbSet<Segments.Segment> Segments => Set<Segments.Segment>();
    public DbSet<Templates.SavedTemplate> SavedTemplates => Set<Templates.SavedTemplate>();
    public DbSet<Surveys.SurveyRequest> SurveyRequests => Set<Surveys.SurveyRequest>();
    public DbSet<Surveys.FollowUpTask> FollowUpTasks => Set<Surveys.FollowUpTask>();
    public DbSet<Crm.Hub.Campaigns.Campaign> Campaigns => Set<Crm.Hub.Campaigns.Campaign>();
    public DbSet<Crm.Hub.Campaigns.CampaignRecipient> CampaignRecipients => Set<Crm.Hub.Campaigns.CampaignRecipient>();
    public DbSet<OptOut.OptOutRecord> OptOutRecords => Set<OptOut.OptOutRecord>();
    public DbSet<Reminders.Reminder> Reminders => Set<Reminders.Reminder>();
    public DbSet<Supervision.AgentPresenceChange> PresenceChanges => Set<Supervision.AgentPresenceChange>();
    public DbSet<Reports.ConversationFact> ConversationFacts => Set<Reports.ConversationFact>();
    public DbSet<Reports.ProjectionCursor> ProjectionCursors => Set<Reports.ProjectionCursor>();
    public DbSet<Reports.ReportRollupRow> ReportRollups => Set<Reports.ReportRollupRow>();
    public DbSet<Reports.ReportAgentDayRow> ReportAgentDays => Set<Reports.ReportAgentDayRow>();
    public DbSet<Register.RegisterEntry> RegisterEntries => Set<Register.RegisterEntry>();
    public DbSet<NumberCounter> Counters => Set<NumberCounter>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type that sorts and compares correctly; store UTC ticks instead.
        // PostgreSQL keeps its native timestamptz.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Contact>(e =>
        {
            e.Property(c => c.DisplayName).HasMaxLength(200);
            e.Property(c => c.Email).HasMaxLength(320);
            e.Property(c => c.Phone).HasMaxLength(32);
            e.HasMany(c => c.Identities).WithOne(i => i.Contact).HasForeignKey(i => i.ContactId);
            e.HasIndex(c => c.Phone);
            e.Property(c => c.TimeZone).HasMaxLength(64);
            e.Property(c => c.Locale).HasMaxLength(8);
            e.HasMany(c => c.Tags).WithOne().HasForeignKey(t => t.ContactId);
            e.HasMany(c => c.Attributes).WithOne().HasForeignKey(a => a.ContactId);
            e.HasMany(c => c.Consents).WithOne().HasForeignKey(a => a.ContactId);
        });

        ContactProfileConfiguration.Configure(modelBuilder);
        Templates.SavedTemplate.Configure(modelBuilder);
        Surveys.SurveyConfiguration.Configure(modelBuilder);
        Crm.Hub.Campaigns.CampaignConfiguration.Configure(modelBuilder);
        OptOut.OptOutConfiguration.Configure(modelBuilder);
        Crm.Hub.Reminders.ReminderConfiguration.Configure(modelBuilder);
        Supervision.PresenceHistoryConfiguration.Configure(modelBuilder);
        Reports.ReportsConfiguration.Configure(modelBuilder);
        Reports.RollupConfiguration.Configure(modelBuilder);
        Register.RegisterConfiguration.Configure(modelBuilder);
        NumberCounterConfiguration.Configure(modelBuilder);
        ContactImportMemberConfiguration.Configure(modelBuilder);

        modelBuilder.Entity<ContactMerge>(e =>
        {
            e.Property(m => m.Reason).HasMaxLength(200);
            e.HasIndex(m => m.SurvivorContactId);
            e.HasIndex(m => m.MergedContactId);
        });

        modelBuilder.Entity<Routing.RoutingQueue>(e =>
        {
            e.Property(q => q.Name).HasMaxLength(100);
            e.HasIndex(q => q.Name).IsUnique();
            e.Property(q => q.Channels).HasMaxLength(200);
            e.Property(q => q.Keywords).HasMaxLength(2000);
            e.Property(q => q.Skill).HasMaxLength(64);
            e.Property(q => q.Inboxes).HasMaxLength(1000);
            e.Property(q => q.Languages).HasMaxLength(100);
            e.Property(q => q.ContactTags).HasMaxLength(1000);
            e.Property(q => q.Categories).HasMaxLength(1000);
            e.Property(q => q.Survey).HasMaxLength(8);
        });

        modelBuilder.Entity<Routing.RoutingPolicyVersion>(e =>
        {
            e.HasKey(v => v.Version);
            e.Property(v => v.Version).ValueGeneratedNever();
            e.Property(v => v.SavedBy).HasMaxLength(200);
            e.Property(v => v.Change).HasMaxLength(300);
        });

        modelBuilder.Entity<ChannelCursor>(e =>
        {
            e.HasKey(c => new { c.Channel, c.AccountId });
            e.Property(c => c.Channel).HasMaxLength(16);
            e.Property(c => c.AccountId).HasMaxLength(200);
            e.Property(c => c.Value).HasMaxLength(200);
        });

        modelBuilder.Entity<ChannelSetting>(e =>
        {
            e.HasKey(c => c.Key);
            e.Property(c => c.Key).HasMaxLength(200);
            e.Property(c => c.Value).HasMaxLength(4000);
        });

        modelBuilder.Entity<ChannelIdentity>(e =>
        {
            e.Property(i => i.Channel).HasMaxLength(16);
            e.Property(i => i.AccountId).HasMaxLength(200);
            e.Property(i => i.Address).HasMaxLength(320);
            e.Property(i => i.RawAddress).HasMaxLength(320);
            e.Property(i => i.UndeliverableReason).HasMaxLength(1000);
            e.Property(i => i.Source).HasMaxLength(16);
            e.HasIndex(i => new { i.Channel, i.AccountId, i.Address }).IsUnique();
            // Cross-channel linking looks a phone number up on every phone channel at once.
            e.HasIndex(i => i.Address);
        });

        modelBuilder.Entity<Conversation>(e =>
        {
            e.Property(c => c.Channel).HasMaxLength(16);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.Category).HasMaxLength(64);
            e.Property(c => c.RequiredSkill).HasMaxLength(64);
            e.Property(c => c.LastMessagePreview).HasMaxLength(200);
            e.HasIndex(c => c.Number).IsUnique();
            e.HasIndex(c => new { c.ContactId, c.Status });
            e.HasIndex(c => new { c.Status, c.AssigneeId });
            e.HasOne(c => c.Contact).WithMany().HasForeignKey(c => c.ContactId);
        });

        modelBuilder.Entity<Message>(e =>
        {
            e.Property(m => m.Direction).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.Channel).HasMaxLength(16);
            e.Property(m => m.ProviderMessageId).HasMaxLength(200);
            e.Property(m => m.DeliveryStatus).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.DeliveryError).HasMaxLength(1000);
            e.HasIndex(m => new { m.Channel, m.ProviderMessageId }).IsUnique();
            e.HasIndex(m => new { m.ConversationId, m.CreatedAt });
            e.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId);
            e.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId);
            e.OwnsOne(m => m.Email, email =>
            {
                email.ToTable("EmailMessages");
                email.WithOwner().HasForeignKey("MessageId");
                email.Property(x => x.Subject).HasMaxLength(998);
                email.Property(x => x.InternetMessageId).HasMaxLength(998);
                email.Property(x => x.InReplyTo).HasMaxLength(998);
                email.Property(x => x.References).HasMaxLength(20000);
                email.Property(x => x.Automatic).HasMaxLength(200);
                email.Property(x => x.Warnings).HasMaxLength(4000);
                email.Property(x => x.Counterpart).HasMaxLength(400);
            });
        });

        modelBuilder.Entity<Email.QuarantinedEmail>(e =>
        {
            e.Property(q => q.Mailbox).HasMaxLength(320);
            e.Property(q => q.Folder).HasMaxLength(200);
            e.Property(q => q.From).HasMaxLength(400);
            e.Property(q => q.Subject).HasMaxLength(998);
            e.Property(q => q.Reason).HasMaxLength(2000);
            e.Property(q => q.StoragePath).HasMaxLength(500);
            e.HasIndex(q => new { q.Mailbox, q.Folder, q.UidValidity, q.Uid }).IsUnique();
        });

        modelBuilder.Entity<Attachment>(e =>
        {
            e.Property(a => a.FileName).HasMaxLength(255);
            e.Property(a => a.ContentType).HasMaxLength(127);
            e.Property(a => a.Sha256).HasMaxLength(64);
            e.Property(a => a.StoragePath).HasMaxLength(500);
            e.Property(a => a.ContentId).HasMaxLength(500);
        });

        modelBuilder.Entity<ConversationEvent>(e =>
        {
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).ValueGeneratedOnAdd();
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.ClientMethod).HasMaxLength(64);
            e.HasIndex(x => new { x.ConversationId, x.Seq });
        });

        modelBuilder.Entity<Agent>(e =>
        {
            e.Property(a => a.Email).HasMaxLength(320);
            e.Property(a => a.DisplayName).HasMaxLength(200);
            e.Property(a => a.PasswordHash).HasMaxLength(500);
            e.Property(a => a.Role).HasConversion<string>().HasMaxLength(16);
            e.Property(a => a.Presence).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(a => a.Email).IsUnique();
            e.HasMany(a => a.Capacities).WithOne().HasForeignKey(c => c.AgentId);
            e.HasMany(a => a.Skills).WithOne().HasForeignKey(s => s.AgentId);
            e.HasMany(a => a.Teams).WithOne().HasForeignKey(t => t.AgentId);
        });

        modelBuilder.Entity<AgentCapacity>(e =>
        {
            e.HasKey(c => new { c.AgentId, c.Channel });
            e.Property(c => c.Channel).HasMaxLength(16);
            e.Property(c => c.Blocks).HasMaxLength(200);
        });

        modelBuilder.Entity<AgentSkill>(e =>
        {
            e.HasKey(s => new { s.AgentId, s.Skill });
            e.Property(s => s.Skill).HasMaxLength(64);
            e.HasIndex(s => s.Skill);
        });

        modelBuilder.Entity<Team>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(100);
            e.HasIndex(t => t.Name).IsUnique();
            e.HasMany(t => t.Members).WithOne().HasForeignKey(m => m.TeamId);
        });

        modelBuilder.Entity<TeamMembership>(e => e.HasKey(m => new { m.TeamId, m.AgentId }));

        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.Property(o => o.Channel).HasMaxLength(16);
            e.Property(o => o.State).HasConversion<string>().HasMaxLength(16);
            e.Property(o => o.LastError).HasMaxLength(1000);
            e.HasIndex(o => o.MessageId).IsUnique();
            e.HasIndex(o => new { o.State, o.NextAttemptAt });
        });
    }
}
