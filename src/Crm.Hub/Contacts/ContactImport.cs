namespace Crm.Hub.Contacts;

internal enum ContactImportStatus
{
    /// <summary>Uploaded and previewed; waiting for the user to confirm a column mapping.</summary>
    Uploaded,
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>One uploaded CSV of contacts, from preview to the validation report.</summary>
internal sealed class ContactImport
{
    public Guid Id { get; set; }
    public Guid AgentId { get; set; }
    public required string FileName { get; set; }

    /// <summary>Where the upload is kept under the data directory until the import is done with it.</summary>
    public required string StoragePath { get; set; }

    public required string Delimiter { get; set; }
    public ContactImportStatus Status { get; set; }

    /// <summary>The confirmed mapping (column index to field) as JSON.</summary>
    public string? Mapping { get; set; }

    public int TotalRows { get; set; }
    public int RowsDone { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Skipped { get; set; }
    public int ErrorCount { get; set; }
    public string? Failure { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
