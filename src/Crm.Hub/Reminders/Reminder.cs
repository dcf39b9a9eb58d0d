using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Reminders;

internal enum ReminderKind
{
    /// <summary>An agent's own follow-up ("call back Tuesday 10:00"): a console notice, and the conversation back in their queue.</summary>
    FollowUp,

    /// <summary>A message to the customer (appointment, renewal, payment due) from a template, sent through the outbox.</summary>
    Customer,
}

internal enum ReminderState
{
    Scheduled,

    /// <summary>Claimed by the firing in progress; that same transaction replaces it with the outcome, so it is never seen committed.</summary>
    Firing,

    /// <summary>A follow-up fired: the agent was notified (and the conversation reopened when it was resolved).</summary>
    Done,

    /// <summary>A customer reminder's message was committed to the outbox; its delivery is the outbox's from here on.</summary>
    Queued,

    /// <summary>Not sent, on purpose: the address opted out, bounced, or is gone.</summary>
    Skipped,

    /// <summary>Not sent: the template failed to render.</summary>
    Failed,
    Cancelled,
}

/// <summary>
/// A reminder and its state. It moves out of <see cref="ReminderState.Scheduled"/> exactly once, in the same transaction as what
/// firing does (the notice, the reopened conversation, the outbox row), so a job that runs again after a crash finds it fired
/// and does nothing: no second notice, no second message.
/// </summary>
internal sealed class Reminder
{
    public Guid Id { get; set; }
    public ReminderKind Kind { get; set; }
    public ReminderState State { get; set; }
    public DateTimeOffset DueAt { get; set; }

    /// <summary>The IANA time zone the person who set it was in (their browser's), to show the time as they meant it.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Who set it: the agent a follow-up notifies, the owner of a customer reminder.</summary>
    public Guid AgentId { get; set; }
    public Guid ContactId { get; set; }

    /// <summary>The conversation a follow-up is on (null: on the contact); for a customer reminder, the one its message went into.</summary>
    public Guid? ConversationId { get; set; }
    public string? Note { get; set; }

    public string? Channel { get; set; }
    public string? Template { get; set; }

    /// <summary>The template's variables (JSON object of strings), read as <c>contact.attributes.*</c> over the contact's own.</summary>
    public string? Variables { get; set; }
    public Guid? MessageId { get; set; }

    /// <summary>What firing did, in words (reopened, notified only, skipped because opted out...).</summary>
    public string? Outcome { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FiredAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
}

internal static class ReminderConfiguration
{
    public static void Configure(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Reminder>(e =>
        {
            e.ToTable("Reminders");
            e.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.TimeZone).HasMaxLength(64);
            e.Property(r => r.Note).HasMaxLength(1000);
            e.Property(r => r.Channel).HasMaxLength(16);
            e.Property(r => r.Template).HasMaxLength(100);
            e.Property(r => r.Variables).HasMaxLength(20_000);
            e.Property(r => r.Outcome).HasMaxLength(1000);
            e.HasIndex(r => new { r.AgentId, r.State, r.DueAt });
            e.HasIndex(r => new { r.State, r.DueAt });
            e.HasIndex(r => r.ContactId);
        });
}
