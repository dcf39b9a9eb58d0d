using System.Globalization;
using CsvHelper;

namespace Crm.Hub.Contacts;

/// <summary>One data row: its 1-based record number in the file (header included), its fields, or why it is broken.</summary>
internal sealed record CsvRow(int Row, string[] Fields, string? Broken);

/// <summary>What an upload looks like: its delimiter, whether the first row is a header, the column names and the first rows.</summary>
public sealed record CsvShape(string Delimiter, bool HasHeader, IReadOnlyList<string> Headers, IReadOnlyList<string[]> Rows);

/// <summary>
/// Reading an uploaded contact list with CsvHelper's reader, one record at a time: a file of any size is streamed, never
/// held whole; a row with bad quoting or the wrong number of fields comes back marked broken instead of stopping the read.
/// A line break always ends a record, so one unclosed quote costs one row, not the rest of the file.
/// </summary>
internal static class ContactImportCsv
{
    public const int PreviewRows = 20;

    /// <summary>A record longer than this is not contact data; the reader stops instead of buffering it.</summary>
    public const int MaxRecordBytes = 1024 * 1024;

    /// <summary>Reads the delimiter (detected by CsvHelper), header guess and first rows of a stored upload.</summary>
    public static CsvShape Preview(string path)
    {
        var rows = new List<string[]>();
        char separator;
        using (var reader = CsvReader.FromFile(path, Options(null, _ => { })))
        {
            separator = reader.Separator;
            while (rows.Count <= PreviewRows && reader.Read())
            {
                rows.Add(reader.Current.ToArray());
            }
        }
        var hasHeader = rows.Count > 0 && LooksLikeHeader(rows[0]);
        // With a header, the header says how many columns there are (a longer row is reported as broken, not a new column).
        var width = rows.Count == 0 ? 0 : hasHeader ? rows[0].Length : rows.Max(r => r.Length);
        IReadOnlyList<string> headers = hasHeader
            ? [.. Enumerable.Range(0, width).Select(i => i < rows[0].Length ? rows[0][i].Trim() : "")]
            : [.. Enumerable.Range(0, width).Select(i => string.Create(CultureInfo.InvariantCulture, $"Column {i + 1}"))];
        return new CsvShape(separator.ToString(), hasHeader, headers, [.. rows.Skip(hasHeader ? 1 : 0).Take(PreviewRows)]);
    }

    /// <summary>A header has no email addresses or numbers in it, and its cells are distinct names.</summary>
    private static bool LooksLikeHeader(string[] first)
    {
        var names = first.Select(f => f.Trim().ToLowerInvariant()).Where(f => f.Length > 0).ToList();
        return names.Count > 0 && names.Distinct().Count() == names.Count
            && !names.Any(f => f.Contains('@', StringComparison.Ordinal) || f.Count(char.IsDigit) >= 5);
    }

    /// <summary>
    /// Every record of the file in order. A record whose quoting is broken, or (when <paramref name="expectedFields"/> is given)
    /// whose field count differs from the header's, is returned with <see cref="CsvRow.Broken"/> saying why.
    /// </summary>
    public static IEnumerable<CsvRow> Rows(string path, string delimiter, int? expectedFields)
    {
        // The reader scans ahead, so a malformed record is reported before it is returned: keyed by its number.
        var malformed = new Dictionary<long, CsvMalformedReason>();
        using var reader = CsvReader.FromFile(path, Options(delimiter[0], m => malformed[m.RecordNumber] = m.Reason));
        var number = 0;
        while (reader.Read())
        {
            number++;
            var fields = reader.Current.ToArray();
            string? broken = null;
            if (malformed.Remove(number, out var reason))
            {
                broken = Describe(reason);
            }
            else if (expectedFields is { } expected && fields.Length != expected)
            {
                broken = string.Create(CultureInfo.InvariantCulture, $"{fields.Length} fields where the header has {expected}");
            }
            yield return new CsvRow(number, fields, broken);
        }
    }

    /// <summary>The number of records, read once through the file without keeping any.</summary>
    public static int Count(string path, string delimiter)
    {
        using var reader = CsvReader.FromFile(path, Options(delimiter[0], _ => { }));
        var count = 0;
        while (reader.Read())
        {
            count++;
        }
        return count;
    }

    private static CsvReaderOptions Options(char? separator, Action<CsvMalformedRecord> onMalformed) => new()
    {
        Separator = separator,
        HasHeader = false,
        AllowLineBreaksInQuotes = false,
        SkipEmptyLines = true,
        MalformedData = CsvMalformedDataHandling.Recover,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        OnMalformedRecord = onMalformed,
        MaxRecordSize = MaxRecordBytes,
    };

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
        CsvMalformedReason.UnterminatedQuote => "a quoted field that is never closed",
        CsvMalformedReason.LineBreakInQuotes => "a quoted field that is not closed on its line",
        _ => "malformed quoting",
    };
}
