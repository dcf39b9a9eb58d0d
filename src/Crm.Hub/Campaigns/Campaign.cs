using Crm.Hub.Templates;

namespace Crm.Hub.Campaigns;

internal enum CampaignState
{
    Draft,
    /// <summary>Launched; waiting for its start (or, when recurring, for its next run).</summary>
    Scheduled,
    Running,
    Paused,
    Completed,
    Cancelled,
}

internal enum CampaignSchedule
{
    Now,
    At,
    Recurring,
}

/// <summary>A bulk send: an audience, a channel and sender, a template per locale, a schedule, a pace and quiet hours.</summary>
internal sealed class Campaign
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Channel { get; set; }

    /// <summary>The sending account (a Twilio number, a bot, an SMTP account, a fax line); null = the channel's configured one.</summary>
    public string? Sender { get; set; }

    public Guid? SegmentId { get; set; }

    /// <summary>A built-in template's name; its text is copied into the bodies at launch so a later file edit cannot change a running campaign.</summary>
    public string? TemplateKey { get; set; }

    public TemplateSyntax Syntax { get; set; }
    public string? BodyEn { get; set; }
    public string? BodyFa { get; set; }
    public string? SubjectEn { get; set; }
    public string? SubjectFa { get; set; }

    public CampaignSchedule Schedule { get; set; }
    public DateTimeOffset? StartAt { get; set; }

    /// <summary>Quartz cron expression (with seconds) of a recurring campaign, read in <see cref="ScheduleTimeZone"/>.</summary>
    public string? Cron { get; set; }

    public string? ScheduleTimeZone { get; set; }

    /// <summary>Messages per second per sender.</summary>
    public double Pace { get; set; }

    /// <summary>Quiet hours, minutes after local midnight in the recipient's time zone; both null = none.</summary>
    public int? QuietStartMinute { get; set; }

    public int? QuietEndMinute { get; set; }

    /// <summary>The time zone of recipients whose contact has none.</summary>
    public required string DefaultTimeZone { get; set; }

    public CampaignState State { get; set; }

    /// <summary>While paused: the state a resume returns to (running mid-run, or scheduled waiting for a start).</summary>
    public CampaignState? ResumeTo { get; set; }

    /// <summary>The current (or last) run, counted from 1; a recurring campaign runs again at each firing.</summary>
    public int Run { get; set; }

    /// <summary>Whether the current run's recipient list is complete (materialisation may be cut short by a crash).</summary>
    public bool Materialized { get; set; }

    /// <summary>Whether every pending recipient of the current run has its message rendered (<see cref="CampaignRecipient.Body"/>).</summary>
    public bool Prepared { get; set; }

    public Guid CreatedByAgentId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LaunchedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

internal enum RecipientState
{
    Pending,
    /// <summary>Committed to the outbox together with this mark: never queued again, whatever happens next.</summary>
    Sending,
    Sent,
    Failed,
    /// <summary>Not sent on purpose: opted out, undeliverable, or no address on the channel.</summary>
    Suppressed,
    /// <summary>The hub stopped while the provider had the message: it may have arrived; never resent automatically.</summary>
    Unknown,
}

/// <summary>One contact of one run of a campaign; (campaign, run, contact) is unique, so a contact is messaged at most once per run.</summary>
internal sealed class CampaignRecipient
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public int Run { get; set; }
    public Guid ContactId { get; set; }

    /// <summary>The contact's address on the campaign's channel when the list was made (its latest seen one), or null when it has none.</summary>
    public string? Address { get; set; }

    public string? TimeZone { get; set; }
    public string? Locale { get; set; }
    public string? Name { get; set; }
    public RecipientState State { get; set; }
    public string? Error { get; set; }

    /// <summary>Deferred by quiet hours until then.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>
    /// The rendered message, waiting for its turn at the sender's pace (the campaign's own queue); cleared when it is handed to
    /// the outbox, whose message then carries it.
    /// </summary>
    public string? Body { get; set; }

    /// <summary>The rendered subject of an email campaign's message, kept like <see cref="Body"/>.</summary>
    public string? Subject { get; set; }

    public Guid? MessageId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? QueuedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? RepliedAt { get; set; }
    public DateTimeOffset? OptedOutAt { get; set; }
}
