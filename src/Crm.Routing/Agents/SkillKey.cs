namespace Crm.Routing.Agents;

/// <summary>
/// A skill's name, interned by the engine: one instance per name, compared by reference and hashed by a small number,
/// so the pool and lane look-ups on every decision do not hash the name's characters.
/// </summary>
internal sealed class SkillKey(int id, string name)
{
    public int Id { get; } = id;

    public string Name { get; } = name;

    public override int GetHashCode() => Id;

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override string ToString() => Name;
}
