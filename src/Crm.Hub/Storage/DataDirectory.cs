namespace Crm.Hub.Storage;

/// <summary>Where the hub keeps its files (key ring, attachments): <c>Crm:DataDirectory</c>, relative to the content root.</summary>
internal static class DataDirectory
{
    public const string Key = "Crm:DataDirectory";

    public static string Resolve(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[Key] is { Length: > 0 } value ? value : "data";
        var path = Path.IsPathRooted(configured) ? configured : Path.Combine(environment.ContentRootPath, configured);
        Directory.CreateDirectory(path);
        return path;
    }
}
