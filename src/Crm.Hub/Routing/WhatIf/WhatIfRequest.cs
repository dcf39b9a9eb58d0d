using Crm.Hub.Agents;

namespace Crm.Hub.Routing.WhatIf;

/// <summary>
/// A what-if question: replay the conversations that arrived on <see cref="Date"/> (a day in <see cref="TimeZone"/>, UTC when
/// empty; up to <see cref="Days"/> days from it) under policy <see cref="PolicyVersion"/> (null: the one in force) and
/// <see cref="Agents"/> (null: today's active agents, on all day).
/// </summary>
public sealed record WhatIfRequest(string? Date, string? TimeZone = null, int? Days = null, int? PolicyVersion = null, IReadOnlyList<WhatIfAgent>? Agents = null);

/// <summary>A candidate agent: capacity, teams, skills, weighted capacity, and shifts as local "09:00-17:30" ranges (none: all day).</summary>
public sealed record WhatIfAgent(
    string? Name,
    IReadOnlyDictionary<string, int>? Capacity,
    IReadOnlyList<Guid>? TeamIds = null,
    IReadOnlyDictionary<string, int>? Skills = null,
    WeightedCapacity? Weighted = null,
    IReadOnlyList<string>? Shifts = null);
