using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Crm.Hub.Storage;

/// <summary>
/// Writes many rows of one entity (or a chosen set of its columns) through one prepared statement on the context's connection
/// and transaction, skipping the change tracker — for the hot bulk paths (a campaign queues tens of thousands of messages a
/// second), where tracking and per-save SQL generation cost far more than the write itself. Column names, parameter types and
/// value conversions (enums as strings, SQLite's DateTimeOffset as ticks) come from the EF model, so the rows are exactly what
/// <c>SaveChanges</c> would write and EF reads them back as usual. Valid for the one transaction it was made in.
/// </summary>
internal sealed class RowWriter<T> : IAsyncDisposable
    where T : class
{
    private readonly DbCommand _command;
    private readonly Column[] _values;
    private readonly Column[] _keys;
    private bool _prepared;
    private int _rowsPerStatement = 1;
    private int _width;

    private RowWriter(DbCommand command, Column[] values, Column[] keys)
    {
        _command = command;
        _values = values;
        _keys = keys;
    }

    /// <summary>An INSERT of every column of <typeparamref name="T"/>.</summary>
    public static RowWriter<T> Insert(DbContext db)
    {
        var (entity, properties) = ColumnsOf(db);
        var command = Command(db);
        var columns = properties.Select((p, i) => Column.Of(command, p, $"@p{i}")).ToArray();
        command.CommandText = $"INSERT INTO {Table(entity)} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) "
            + $"VALUES ({string.Join(", ", columns.Select(c => c.Parameter.ParameterName))})";
        return new RowWriter<T>(command, columns, []);
    }

    /// <summary>
    /// An INSERT of <paramref name="rowsPerStatement"/> rows at once (a multi-row VALUES list): one statement step and one
    /// round of bookkeeping per chunk instead of per row. Feed it with <see cref="WriteManyAsync"/>.
    /// </summary>
    public static RowWriter<T> InsertMany(DbContext db, int rowsPerStatement)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerStatement, 1);
        var (entity, properties) = ColumnsOf(db);
        var command = Command(db);
        var columns = Enumerable.Range(0, rowsPerStatement)
            .SelectMany(row => properties.Select((p, i) => Column.Of(command, p, $"@p{row}_{i}"))).ToArray();
        var tuples = Enumerable.Range(0, rowsPerStatement)
            .Select(row => "(" + string.Join(", ", columns.Skip(row * properties.Length).Take(properties.Length).Select(c => c.Parameter.ParameterName)) + ")");
        command.CommandText = $"INSERT INTO {Table(entity)} ({string.Join(", ", properties.Select(p => Quote(p.GetColumnName())))}) VALUES {string.Join(", ", tuples)}";
        return new RowWriter<T>(command, columns, []) { _rowsPerStatement = rowsPerStatement, _width = properties.Length };
    }

    /// <summary>Writes exactly as many rows as the statement was made for (<see cref="InsertMany"/>, <see cref="UpdateMany"/>).</summary>
    public async Task WriteManyAsync(IReadOnlyList<T> rows, int offset, CancellationToken ct)
    {
        for (var r = 0; r < _rowsPerStatement; r++)
        {
            var row = rows[offset + r];
            for (var c = 0; c < _width; c++)
            {
                _values[r * _width + c].Set(row);
            }
        }
        if (!_prepared)
        {
            await _command.PrepareAsync(ct);
            _prepared = true;
        }
        await _command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// How many parameters one multi-row statement binds at most. Microsoft.Data.Sqlite binds each parameter by looking its name
    /// up among the statement's (a linear search, after converting the name to UTF-8), so a statement's binding grows with the
    /// square of its parameters: 32 conversations at once (over 800 parameters) spent more time binding than writing.
    /// </summary>
    public const int ParametersPerStatement = 96;

    /// <summary>Inserts every row: full chunks through one multi-row statement (as many rows as fit <see cref="ParametersPerStatement"/>), the rest one by one.</summary>
    public static async Task InsertAllAsync(DbContext db, IReadOnlyList<T> rows, CancellationToken ct, int? rowsPerStatement = null)
    {
        var perStatement = rowsPerStatement ?? Math.Max(1, ParametersPerStatement / EntityOf(db).GetProperties().Count());
        await WriteAllAsync(rows, perStatement, () => InsertMany(db, perStatement), () => Insert(db), ct);
    }

    private static async Task WriteAllAsync(IReadOnlyList<T> rows, int rowsPerStatement, Func<RowWriter<T>> many, Func<RowWriter<T>> one, CancellationToken ct)
    {
        var full = rows.Count / rowsPerStatement * rowsPerStatement;
        if (full > 0)
        {
            await using var writer = many();
            for (var offset = 0; offset < full; offset += rowsPerStatement)
            {
                await writer.WriteManyAsync(rows, offset, ct);
            }
        }
        if (full < rows.Count)
        {
            await using var writer = one();
            for (var i = full; i < rows.Count; i++)
            {
                await writer.WriteAsync(rows[i], ct);
            }
        }
    }

    /// <summary>An UPDATE of the named columns of the row with the entity's key.</summary>
    public static RowWriter<T> Update(DbContext db, params string[] propertyNames)
    {
        var entity = EntityOf(db);
        var command = Command(db);
        var values = propertyNames.Select((name, i) => Column.Of(command,
            entity.FindProperty(name) ?? throw new ArgumentException($"{entity.DisplayName()} has no property {name}.", nameof(propertyNames)), $"@v{i}")).ToArray();
        var keys = entity.FindPrimaryKey()!.Properties.Select((p, i) => Column.Of(command, p, $"@k{i}")).ToArray();
        command.CommandText = $"UPDATE {Table(entity)} SET {string.Join(", ", values.Select(c => $"{Quote(c.Name)} = {c.Parameter.ParameterName}"))} "
            + $"WHERE {string.Join(" AND ", keys.Select(c => $"{Quote(c.Name)} = {c.Parameter.ParameterName}"))}";
        return new RowWriter<T>(command, values, keys);
    }

    /// <summary>
    /// An UPDATE of the named columns of <paramref name="rowsPerStatement"/> rows at once, each found by its key: the new values
    /// come in as a VALUES list joined on the key (<c>UPDATE … SET c = v.column2 FROM (VALUES …) AS v WHERE key = v.column1</c>,
    /// SQLite 3.33+ and PostgreSQL alike), so the database looks each row up itself instead of running a statement per row.
    /// Feed it with <see cref="WriteManyAsync"/>.
    /// </summary>
    public static RowWriter<T> UpdateMany(DbContext db, int rowsPerStatement, params string[] propertyNames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerStatement, 1);
        var entity = EntityOf(db);
        var keys = entity.FindPrimaryKey()!.Properties;
        var properties = keys.Concat(propertyNames.Select(name =>
            entity.FindProperty(name) ?? throw new ArgumentException($"{entity.DisplayName()} has no property {name}.", nameof(propertyNames)))).ToArray();
        var command = Command(db);
        var columns = Enumerable.Range(0, rowsPerStatement)
            .SelectMany(row => properties.Select((p, i) => Column.Of(command, p, $"@u{row}_{i}"))).ToArray();
        var tuples = Enumerable.Range(0, rowsPerStatement)
            .Select(row => "(" + string.Join(", ", columns.Skip(row * properties.Length).Take(properties.Length).Select(c => c.Parameter.ParameterName)) + ")");
        var table = Table(entity);
        var set = properties.Skip(keys.Count).Select((p, i) => $"{Quote(p.GetColumnName())} = v.column{keys.Count + i + 1}");
        var match = keys.Select((p, i) => $"{table}.{Quote(p.GetColumnName())} = v.column{i + 1}");
        command.CommandText = $"UPDATE {table} SET {string.Join(", ", set)} FROM (VALUES {string.Join(", ", tuples)}) AS v WHERE {string.Join(" AND ", match)}";
        return new RowWriter<T>(command, columns, []) { _rowsPerStatement = rowsPerStatement, _width = properties.Length };
    }

    /// <summary>Updates the named columns of every row by key: full chunks through one <see cref="UpdateMany"/> statement, the rest one by one.</summary>
    public static async Task UpdateAllAsync(DbContext db, IReadOnlyList<T> rows, string[] propertyNames, CancellationToken ct, int? rowsPerStatement = null)
    {
        var width = EntityOf(db).FindPrimaryKey()!.Properties.Count + propertyNames.Length;
        var perStatement = rowsPerStatement ?? Math.Max(1, ParametersPerStatement / width);
        await WriteAllAsync(rows, perStatement, () => UpdateMany(db, perStatement, propertyNames), () => Update(db, propertyNames), ct);
    }

    /// <summary>Writes one row; returns the number of rows the statement touched (an UPDATE of a missing key: 0).</summary>
    public async Task<int> WriteAsync(T row, CancellationToken ct)
    {
        foreach (var column in _values)
        {
            column.Set(row);
        }
        foreach (var column in _keys)
        {
            column.Set(row);
        }
        if (!_prepared)
        {
            await _command.PrepareAsync(ct);
            _prepared = true;
        }
        return await _command.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();

    /// <summary>The entity and the properties an INSERT writes: every one, so none may be a shadow property (it has no CLR value).</summary>
    private static (IEntityType Entity, IProperty[] Properties) ColumnsOf(DbContext db)
    {
        var entity = EntityOf(db);
        var properties = entity.GetProperties().ToArray();
        if (properties.FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
        {
            throw new InvalidOperationException($"{entity.DisplayName()}.{shadow.Name} is a shadow property; {nameof(RowWriter<T>)} writes CLR properties only.");
        }
        return (entity, properties);
    }

    private static IEntityType EntityOf(DbContext db) =>
        db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not an entity of {db.GetType().Name}.");

    private static DbCommand Command(DbContext db)
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException($"{nameof(RowWriter<T>)} writes inside a transaction the caller began on the context.");
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        return command;
    }

    private static string Table(IEntityType entity) =>
        (entity.GetSchema() is { } schema ? Quote(schema) + "." : "") + Quote(entity.GetTableName()!);

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>One column: its parameter, made once by the property's type mapping, and how a row's value reaches it.</summary>
    private sealed class Column(string name, DbParameter parameter, Func<T, object?> read, Func<object, object?>? toProvider)
    {
        public string Name { get; } = name;
        public DbParameter Parameter { get; } = parameter;

        public static Column Of(DbCommand command, IProperty property, string parameterName)
        {
            var mapping = property.GetRelationalTypeMapping();
            var parameter = mapping.CreateParameter(command, parameterName, null, property.IsNullable);
            command.Parameters.Add(parameter);
            var getter = property.GetGetter();
            var converter = mapping.Converter;
            return new Column(property.GetColumnName(), parameter, row => getter.GetClrValue(row),
                converter is null ? null : converter.ConvertToProvider);
        }

        public void Set(T row)
        {
            var value = read(row);
            Parameter.Value = value is null ? DBNull.Value : (toProvider is null ? value : toProvider(value)) ?? DBNull.Value;
        }
    }
}
