using System.Security.Cryptography;
using Crm.Channels;
using Crm.Hub.Storage;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Attachments;

/// <summary>Section <c>Crm:Attachments</c>.</summary>
internal sealed class AttachmentOptions
{
    public const string Section = "Crm:Attachments";

    /// <summary>The largest file the hub keeps; bigger ones are refused with <see cref="AttachmentTooLargeException"/>.</summary>
    public long MaxBytes { get; set; } = 25 * 1024 * 1024;
}

public sealed class AttachmentTooLargeException(string fileName, long maxBytes)
    : Exception($"{fileName} is larger than the {maxBytes / (1024 * 1024)} MB attachment limit.")
{
    public string FileName { get; } = fileName;
    public long MaxBytes { get; } = maxBytes;
}

/// <summary>
/// Files that came with or go out with messages, kept under <c>{data}/attachments</c> by SHA-256, so the same
/// file received twice (a provider retry, a forwarded photo) is stored once. Written before the message that
/// references it is committed: a crash in between leaves an orphan file, never a message without its file.
/// </summary>
internal sealed class AttachmentStore(IConfiguration configuration, IHostEnvironment environment, IOptions<AttachmentOptions> options)
{
    private readonly string _root = Path.Combine(DataDirectory.Resolve(configuration, environment), "attachments");

    public long MaxBytes => options.Value.MaxBytes;

    /// <summary>Copies <paramref name="content"/> into the store, refusing it past the size cap.</summary>
    public async Task<InboundAttachment> SaveAsync(Stream content, string fileName, string contentType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(_root);
        var temp = Path.Combine(_root, $".incoming-{Guid.NewGuid():N}");
        long size = 0;
        string sha256;
        try
        {
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > MaxBytes)
                    {
                        throw new AttachmentTooLargeException(fileName, MaxBytes);
                    }
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            var relative = Path.Combine(sha256[..2], sha256[2..4], sha256);
            var target = Path.Combine(_root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target))
            {
                File.Delete(temp);
            }
            else
            {
                File.Move(temp, target);
            }
            return new InboundAttachment(SafeFileName(fileName), NormalizeContentType(contentType), size, sha256, relative.Replace('\\', '/'));
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public Task<InboundAttachment> SaveAsync(byte[] content, string fileName, string contentType, CancellationToken ct) =>
        SaveAsync(new MemoryStream(content, writable: false), fileName, contentType, ct);

    /// <summary>The stored file, or null when it is missing (deleted by an operator).</summary>
    public FileStream? OpenRead(string storagePath)
    {
        var full = Path.GetFullPath(Path.Combine(_root, storagePath));
        if (!full.StartsWith(Path.GetFullPath(_root), StringComparison.Ordinal) || !File.Exists(full))
        {
            return null;
        }
        return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
    }

    /// <summary>A display name without directories or control characters, never empty.</summary>
    internal static string SafeFileName(string? name)
    {
        var bare = Path.GetFileName((name ?? "").Replace('\\', '/')).Trim();
        var clean = new string([.. bare.Where(c => !char.IsControl(c) && c is not '"' and not '/' )]);
        if (clean.Length > 200)
        {
            var ext = Path.GetExtension(clean);
            clean = string.Concat(clean.AsSpan(0, 200 - Math.Min(ext.Length, 20)), ext.Length <= 20 ? ext : "");
        }
        return clean.Length == 0 || clean is "." or ".." ? "attachment" : clean;
    }

    private static string NormalizeContentType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) || contentType.Length > 127 ? "application/octet-stream" : contentType.Trim().ToLowerInvariant();
}
