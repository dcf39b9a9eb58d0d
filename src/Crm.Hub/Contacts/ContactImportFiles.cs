using System.Globalization;
using System.Text.Json;
using Crm.Hub.Storage;
using CsvHelper;

namespace Crm.Hub.Contacts;

/// <summary>Section <c>Crm:Imports</c>.</summary>
internal sealed class ContactImportOptions
{
    public const string Section = "Crm:Imports";

    /// <summary>The largest CSV upload accepted; a bigger one is refused with 413.</summary>
    public long MaxUploadBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>Rows committed (and progress pushed) together.</summary>
    public int BatchSize { get; set; } = 500;
}

/// <summary>Where uploads and their error reports live: <c>imports/</c> under the data directory.</summary>
internal sealed class ContactImportFiles(IConfiguration configuration, IHostEnvironment environment)
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    private string Folder
    {
        get
        {
            var folder = Path.Combine(DataDirectory.Resolve(configuration, environment), "imports");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public string UploadPath(Guid id) => Path.Combine(Folder, $"{id:N}.csv");

    /// <summary>The upload is personal data the import no longer needs once it has finished; the error report stays for download.</summary>
    public void DeleteUpload(Guid id) => File.Delete(UploadPath(id));

    public string ErrorReportPath(Guid id) => Path.Combine(Folder, $"{id:N}.errors.csv");

    public ContactImportErrorReport OpenErrorReport(Guid id, bool append, IReadOnlyList<string> headers) =>
        new(ErrorReportPath(id), append, headers);
}

/// <summary>
/// The rows that were not imported, as a CSV the user can fix and import again: the row number, what was wrong,
/// then the row's own fields under the file's headers.
/// </summary>
internal sealed class ContactImportErrorReport : IAsyncDisposable
{
    private readonly CsvWriter _writer;

    public ContactImportErrorReport(string path, bool append, IReadOnlyList<string> headers)
    {
        var exists = append && File.Exists(path);
        var stream = new FileStream(path, exists ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
        // The user opens it in a spreadsheet: a byte order mark so Persian reads right, and cells that look like formulas escaped.
        _writer = CsvWriter.Create(stream, new CsvWriterOptions { WriteByteOrderMark = !exists, ValidateFieldCount = false });
        if (!exists)
        {
            _writer.WriteRecord(["row", "error", .. headers]);
        }
    }

    public async Task WriteAsync(CsvRow row, IReadOnlyList<string> errors) =>
        await _writer.WriteRecordAsync([row.Row.ToString(CultureInfo.InvariantCulture), string.Join("; ", errors), .. row.Fields]);

    public ValueTask FlushAsync() => _writer.FlushAsync();

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
