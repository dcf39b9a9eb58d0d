using System.Text.RegularExpressions;

namespace Crm.Hub.Agents;

/// <summary>Skill names as agents and queues use them: lower case, 1-64 of letters, digits, '-', '_' and spaces.</summary>
internal static partial class AgentSkills
{
    public const int MaxPerAgent = 50;

    public static string Normalize(string skill) => skill.Trim().ToLowerInvariant();

    public static bool IsValidName(string? skill) => skill is not null && Pattern().IsMatch(Normalize(skill));

    /// <summary>What is wrong with an agent's skills, or null.</summary>
    public static string? Problem(IReadOnlyDictionary<string, int>? skills)
    {
        if (skills is null)
        {
            return null;
        }
        if (skills.Count > MaxPerAgent)
        {
            return $"An agent has at most {MaxPerAgent} skills.";
        }
        if (skills.Keys.FirstOrDefault(k => !IsValidName(k)) is { } badName)
        {
            return $"'{badName}' is not a skill name: 1-64 letters, digits, '-', '_' or spaces.";
        }
        if (skills.FirstOrDefault(s => s.Value is < 1 or > 5) is { Key: { } badLevel } bad)
        {
            return $"{badLevel}: proficiency is 1 (basic) to 5 (expert), not {bad.Value}.";
        }
        return skills.Keys.GroupBy(Normalize).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? $"'{twice.Key}' is listed twice."
            : null;
    }

    [GeneratedRegex(@"^[\p{L}\p{Nd}_\- ]{1,64}$")]
    private static partial Regex Pattern();
}
