using System.ComponentModel.DataAnnotations;

namespace Crm.Hub.Storage;

internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Section <c>Crm:Database</c>.</summary>
internal sealed class DatabaseOptions
{
    public const string Section = "Crm:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    [Required(ErrorMessage = "Crm:Database:ConnectionString is required.")]
    public string ConnectionString { get; set; } = "Data Source=data/crm.db";
}
