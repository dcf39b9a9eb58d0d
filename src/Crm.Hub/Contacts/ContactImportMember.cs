using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Contacts;

/// <summary>
/// A contact an import created or merged a row into: what the segment condition "contacts of import X" reads. Written in the
/// same transaction as the rows it stands for, once per contact however many rows of the file name it.
/// </summary>
internal sealed class ContactImportMember
{
    public Guid ImportId { get; set; }
    public Guid ContactId { get; set; }

    /// <summary>True when the contact was new (created by this import); false when the import's row was merged into an existing one.</summary>
    public bool Created { get; set; }
}

internal static class ContactImportMemberConfiguration
{
    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<ContactImportMember>(e =>
    {
        e.HasKey(m => new { m.ImportId, m.ContactId });
        // The segment's EXISTS looks up by contact first ("is this contact in the import?"), the delete of an import by import id.
        e.HasIndex(m => new { m.ContactId, m.ImportId });
        e.HasOne<ContactImport>().WithMany().HasForeignKey(m => m.ImportId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Contact>().WithMany().HasForeignKey(m => m.ContactId).OnDelete(DeleteBehavior.Cascade);
    });
}
