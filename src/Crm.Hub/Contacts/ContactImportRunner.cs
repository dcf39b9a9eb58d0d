using System.Text.Json;
using Crm.Channels;
using Crm.Channels.Phones;
using Crm.Hub.Storage;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Contacts;

/// <summary>
/// Runs one confirmed import: streams the file, validates each row, matches it to an existing contact or creates one,
/// and commits every <see cref="ContactImportOptions.BatchSize"/> rows together with the progress counters — so a restart
/// resumes after the last committed row — then pushes the progress to the console.
/// </summary>
/// <remarks>
/// The merge rule for a row that matches an existing contact (same E.164 number on SMS or fax, or same email, case-insensitive):
/// tags and identities are added, never removed; name, locale, time zone and attributes fill only what the contact does not
/// have yet (what an agent or the customer set is not overwritten by a list); consent is recorded for a channel with no
/// answer yet, and a "no" in the file always withdraws consent, while a "yes" never overrides a recorded "no".
/// </remarks>
internal sealed partial class ContactImportRunner(HubDbContext db, ContactImportFiles files, ContactImportProgress progress,
    IOptionsMonitor<PhoneOptions> phones, IOptions<ContactImportOptions> options, TimeProvider time, ILogger<ContactImportRunner> logger)
{
    private static readonly string[] PhoneChannels = [ChannelNames.Sms, ChannelNames.Fax];

    public async Task RunAsync(Guid importId, CancellationToken ct)
    {
        var import = await db.ContactImports.FirstOrDefaultAsync(i => i.Id == importId, ct);
        if (import is null || import.Status is not (ContactImportStatus.Queued or ContactImportStatus.Running) || import.Mapping is null)
        {
            return;
        }
        try
        {
            await RunAsync(import, JsonSerializer.Deserialize<ImportMapping>(import.Mapping, ContactImportFiles.Json)!, ct);
        }
        catch (Exception ex) when (ex is CsvFormatException or IOException or DbUpdateException)
        {
            // A file the parser cannot go on reading (a field past the size limit) or a storage fault: the rows committed so
            // far stay imported, and the report says where it stopped.
            Log.Failed(logger, ex, importId);
            db.ChangeTracker.Clear();
            var failure = ex is CsvFormatException ? $"The file cannot be read past row {import.RowsDone + 1}: {ex.Message.Split('\n')[0]}" : ex.Message;
            await db.ContactImports.Where(i => i.Id == importId).ExecuteUpdateAsync(u => u
                .SetProperty(i => i.Status, ContactImportStatus.Failed)
                .SetProperty(i => i.Failure, failure.Length > 1000 ? failure[..1000] : failure)
                .SetProperty(i => i.FinishedAt, time.GetUtcNow()), CancellationToken.None);
            import.Status = ContactImportStatus.Failed;
            import.Failure = failure;
            await progress.PushAsync(import);
            files.DeleteUpload(importId);
        }
    }

    private async Task RunAsync(ContactImport import, ImportMapping mapping, CancellationToken ct)
    {
        var path = files.UploadPath(import.Id);
        var shape = ContactImportCsv.Preview(path);
        var width = shape.Headers.Count;
        var rows = ContactImportCsv.Count(path, import.Delimiter) - (mapping.HasHeader ? 1 : 0);
        var resumeAfter = import.RowsDone;
        import.Status = ContactImportStatus.Running;
        import.TotalRows = Math.Max(rows, 0);
        await db.SaveChangesAsync(ct);
        await progress.PushAsync(import);

        var headers = mapping.HasHeader ? shape.Headers : [.. Enumerable.Range(0, width).Select(i => ImportFields.Describe(i, []))];
        await using var errors = files.OpenErrorReport(import.Id, append: resumeAfter > 0, headers);
        var region = phones.CurrentValue.DefaultRegion;
        var batch = new List<(CsvRow Row, ImportRow? Parsed, List<string> Errors)>();
        var seen = 0;
        foreach (var row in ContactImportCsv.Rows(path, import.Delimiter, mapping.HasHeader ? width : null).Skip(mapping.HasHeader ? 1 : 0))
        {
            if (++seen <= resumeAfter)
            {
                continue;
            }
            var rowErrors = new List<string>();
            ImportRow? parsed = null;
            if (row.Broken is not null)
            {
                rowErrors.Add($"broken row: {row.Broken}");
            }
            else if (row.Fields.All(f => f.Trim().Length == 0))
            {
                rowErrors.Add("empty row");
            }
            else
            {
                parsed = ImportRow.Read(row, mapping, headers, region, rowErrors);
            }
            batch.Add((row, rowErrors.Count == 0 ? parsed : null, rowErrors));
            if (batch.Count >= options.Value.BatchSize)
            {
                await CommitAsync(import, batch, errors, ct);
            }
        }
        await CommitAsync(import, batch, errors, ct);
        import.Status = ContactImportStatus.Completed;
        import.TotalRows = import.RowsDone;
        import.FinishedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await progress.PushAsync(import);
        Log.Completed(logger, import.Id, import.Created, import.Updated, import.Skipped);
        files.DeleteUpload(import.Id);
    }

    private async Task CommitAsync(ContactImport import, List<(CsvRow Row, ImportRow? Parsed, List<string> Errors)> batch, ContactImportErrorReport errors,
        CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }
        var good = batch.Where(b => b.Parsed is not null).Select(b => b.Parsed!).ToList();
        var (byPhone, byEmail) = await ExistingAsync(good, ct);
        var now = time.GetUtcNow();
        var members = new Dictionary<Guid, bool>();
        foreach (var item in batch)
        {
            if (item.Parsed is { } row)
            {
                var phoneOwner = row.Phone is { } p ? byPhone.GetValueOrDefault(p) : null;
                var emailOwner = row.Email is { } e ? byEmail.GetValueOrDefault(e) : null;
                if (phoneOwner is not null && emailOwner is not null && phoneOwner.Id != emailOwner.Id)
                {
                    item.Errors.Add($"the phone number belongs to contact {phoneOwner.DisplayName ?? phoneOwner.Id.ToString()} and the email to "
                        + $"{emailOwner.DisplayName ?? emailOwner.Id.ToString()}; merge them first");
                }
                else
                {
                    var contact = phoneOwner ?? emailOwner;
                    if (contact is not null)
                    {
                        Apply(contact, row, now);
                        import.Updated++;
                        members.TryAdd(contact.Id, false);
                    }
                    else
                    {
                        contact = Create(row, now);
                        db.Contacts.Add(contact);
                        import.Created++;
                        members[contact.Id] = true;
                    }
                    // A later row of the batch with the same number or address finds this contact.
                    if (row.Phone is not null)
                    {
                        byPhone[row.Phone] = contact;
                    }
                    if (row.Email is not null)
                    {
                        byEmail[row.Email] = contact;
                    }
                }
            }
            if (item.Errors.Count > 0)
            {
                import.Skipped++;
                import.ErrorCount++;
            }
        }
        import.RowsDone += batch.Count;
        await AddMembersAsync(import.Id, members, ct);
        // One SaveChanges: the rows, who the import touched and the progress counters commit together or not at all.
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        db.Attach(import);
        foreach (var item in batch.Where(b => b.Errors.Count > 0))
        {
            await errors.WriteAsync(item.Row, item.Errors);
        }
        await errors.FlushAsync();
        batch.Clear();
        await progress.PushAsync(import);
    }

    /// <summary>
    /// Records the batch's contacts as members of the import, each once: a contact an earlier batch (or the same file's
    /// duplicate row) already added is not added again, and one the import created stays marked as created.
    /// </summary>
    private async Task AddMembersAsync(Guid importId, Dictionary<Guid, bool> members, CancellationToken ct)
    {
        if (members.Count == 0)
        {
            return;
        }
        var ids = members.Keys.ToList();
        var known = await db.ContactImportMembers.Where(m => m.ImportId == importId && ids.Contains(m.ContactId)).Select(m => m.ContactId).ToListAsync(ct);
        foreach (var (contactId, created) in members.Where(m => !known.Contains(m.Key)))
        {
            db.ContactImportMembers.Add(new ContactImportMember { ImportId = importId, ContactId = contactId, Created = created });
        }
    }

    /// <summary>The live contacts owning the batch's numbers (on SMS or fax, or as their verified phone) and emails, loaded with their profile.</summary>
    private async Task<(Dictionary<string, Contact> ByPhone, Dictionary<string, Contact> ByEmail)> ExistingAsync(List<ImportRow> rows, CancellationToken ct)
    {
        var numbers = rows.Select(r => r.Phone).OfType<string>().Distinct().ToList();
        var emails = rows.Select(r => r.Email).OfType<string>().Distinct().ToList();
        var phoneOwners = numbers.Count == 0 ? [] : await db.ChannelIdentities.AsNoTracking()
            .Where(i => numbers.Contains(i.Address) && PhoneChannels.Contains(i.Channel))
            .Select(i => new { Key = i.Address, i.ContactId, i.Contact!.CreatedAt })
            .Concat(db.Contacts.Where(c => c.Phone != null && numbers.Contains(c.Phone)).Select(c => new { Key = c.Phone!, ContactId = c.Id, c.CreatedAt }))
            .ToListAsync(ct);
        var emailOwners = emails.Count == 0 ? [] : await db.ChannelIdentities.AsNoTracking()
            .Where(i => i.Channel == ChannelNames.Email && emails.Contains(i.Address))
            .Select(i => new { Key = i.Address, i.ContactId, i.Contact!.CreatedAt })
#pragma warning disable CA1304, CA1311 // Translated to SQL lower(), which has no culture; the addresses compared are lower-cased already.
            .Concat(db.Contacts.Where(c => c.Email != null && emails.Contains(c.Email.ToLower())).Select(c => new { Key = c.Email!.ToLower(), ContactId = c.Id, c.CreatedAt }))
#pragma warning restore CA1304, CA1311
            .ToListAsync(ct);
        var ids = phoneOwners.Select(o => o.ContactId).Concat(emailOwners.Select(o => o.ContactId)).Distinct().ToList();
        var contacts = await LoadAsync(ids, ct);
        // A merged-away contact hands its numbers and address on to the contact it was merged into.
        for (var hops = 0; hops < 8 && contacts.Values.Where(c => c.MergedIntoId is not null).Select(c => c.MergedIntoId!.Value)
            .Where(id => !contacts.ContainsKey(id)).ToList() is { Count: > 0 } survivors; hops++)
        {
            foreach (var (id, contact) in await LoadAsync(survivors, ct))
            {
                contacts[id] = contact;
            }
        }
        Contact? Live(Guid id)
        {
            var contact = contacts.GetValueOrDefault(id);
            for (var hops = 0; contact?.MergedIntoId is { } next && hops < 8; hops++)
            {
                contact = contacts.GetValueOrDefault(next);
            }
            return contact is { MergedIntoId: null } ? contact : null;
        }
        // The oldest owner wins, as ingest picks it.
        var byPhone = phoneOwners.OrderBy(o => o.CreatedAt).Select(o => (o.Key, Contact: Live(o.ContactId))).Where(o => o.Contact is not null)
            .GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.First().Contact!);
        var byEmail = emailOwners.OrderBy(o => o.CreatedAt).Select(o => (o.Key, Contact: Live(o.ContactId))).Where(o => o.Contact is not null)
            .GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.First().Contact!);
        return (byPhone, byEmail);
    }

    private async Task<Dictionary<Guid, Contact>> LoadAsync(List<Guid> ids, CancellationToken ct) => ids.Count == 0 ? [] : await db.Contacts
        .Where(c => ids.Contains(c.Id)).Include(c => c.Identities).Include(c => c.Tags).Include(c => c.Attributes).Include(c => c.Consents)
        .AsSplitQuery().ToDictionaryAsync(c => c.Id, ct);

    private Contact Create(ImportRow row, DateTimeOffset now)
    {
        var contact = new Contact
        {
            Id = Guid.CreateVersion7(now),
            DisplayName = row.Name,
            // Ingest recognises mail from an address a contact gave (Contact.Email), so an imported address joins this contact.
            Email = row.Email,
            // Phone stays empty: it is only ever the number the contact proved (see Contact.Phone); the number is an identity below.
            TimeZone = row.TimeZone,
            Locale = row.Locale,
            CreatedAt = now,
        };
        Apply(contact, row, now);
        return contact;
    }

    private void Apply(Contact contact, ImportRow row, DateTimeOffset now)
    {
        contact.DisplayName ??= row.Name;
        contact.Email ??= row.Email;
        contact.TimeZone ??= row.TimeZone;
        contact.Locale ??= row.Locale;
        // An imported number is an SMS identity marked Source = import, on a pseudo-account of its own: ingest links a first
        // text from the number to its owner by address on any SMS or fax account, so the customer who texts in later is
        // recognised as this contact — while Contact.Phone keeps meaning "proved by the customer", and an opt-out on the
        // identity the customer texts from also shuts the imported one out of "channel available" (SegmentQuery).
        if (row.Phone is { } phone && !contact.Identities.Any(i => i.Address == phone && PhoneChannels.Contains(i.Channel)))
        {
            AddIdentity(contact, Identity(contact.Id, ChannelNames.Sms, phone, row.RawPhone != phone ? row.RawPhone : null, now));
        }
        if (row.Email is { } email && !contact.Identities.Any(i => i.Channel == ChannelNames.Email && i.Address == email))
        {
            AddIdentity(contact, Identity(contact.Id, ChannelNames.Email, email, null, now));
        }
        foreach (var tag in row.Tags.Where(t => contact.Tags.All(x => x.Tag != t)))
        {
            contact.Tags.Add(new ContactTag { ContactId = contact.Id, Tag = tag });
        }
        foreach (var (key, value) in row.Attributes.Where(a => contact.Attributes.All(x => x.Key != a.Key)))
        {
            contact.Attributes.Add(new ContactAttribute { ContactId = contact.Id, Key = key, Value = value });
        }
        foreach (var (channel, granted) in row.Consent)
        {
            var existing = contact.Consents.Find(c => c.Channel == channel);
            if (existing is null || (!granted && existing.Granted))
            {
                ContactProfileApi.SetConsent(contact, channel, granted, IdentitySources.Import, now);
            }
        }
    }

    /// <summary>Added explicitly: EF would take a new identity with its key already set, found on a tracked contact, for an existing row.</summary>
    private void AddIdentity(Contact contact, ChannelIdentity identity)
    {
        contact.Identities.Add(identity);
        db.ChannelIdentities.Add(identity);
    }

    private static ChannelIdentity Identity(Guid contactId, string channel, string address, string? raw, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ContactId = contactId,
        Channel = channel,
        AccountId = IdentitySources.Import,
        Address = address,
        RawAddress = raw,
        Source = IdentitySources.Import,
        CreatedAt = now,
        LastSeenAt = now,
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Contact import {ImportId} stopped")]
        public static partial void Failed(ILogger logger, Exception ex, Guid importId);

        [LoggerMessage(2, LogLevel.Information, "Contact import {ImportId} done: {Created} created, {Updated} updated, {Skipped} skipped")]
        public static partial void Completed(ILogger logger, Guid importId, int created, int updated, int skipped);
    }
}
