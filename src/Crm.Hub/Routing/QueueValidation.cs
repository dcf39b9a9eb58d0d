using System.Text.RegularExpressions;
using Crm.Channels;
using Crm.Hub.Storage;
using Crm.Routing.Classification;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Routing;

/// <summary>What a queue must be to be saved: every reference resolvable, every number in range, and no overflow that loops.</summary>
internal static partial class QueueValidation
{
    public static readonly string[] KnownLanguages = ["en", "fa"];

    /// <summary>Validates <paramref name="input"/> as queue <paramref name="id"/> among <paramref name="queues"/> (all of them, as stored).</summary>
    public static async Task<Dictionary<string, string[]>> ValidateAsync(QueueInput input, Guid id, IReadOnlyList<RoutingQueue> queues, HubDbContext db,
        CancellationToken ct, IReadOnlyList<string>? knownCategories = null)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            errors["name"] = ["A name of 1 to 100 characters is required."];
        }
        else if (queues.Any(q => q.Name == name && q.Id != id))
        {
            errors["name"] = [$"There is already a queue named {name}."];
        }
        if (input.Priority is < 0 or > QueuesApi.MaxPriority)
        {
            errors["priority"] = [$"Priority is 0 (normal) to {QueuesApi.MaxPriority} (most urgent)."];
        }
        if (input.FirstResponseSlaSeconds is < 1 or > 7 * 86400)
        {
            errors["firstResponseSlaSeconds"] = ["The first-response SLA is 1 second to 7 days, or empty for none."];
        }
        if ((input.Channels ?? []).FirstOrDefault(c => !ChannelNames.IsKnown(c.Trim().ToLowerInvariant())) is { } unknown)
        {
            errors["channels"] = [$"'{unknown}' is not a channel; use {string.Join(", ", ChannelNames.All)}."];
        }
        await ValidateSkillAsync(input, db, errors, ct);
        if (input.MinProficiency is < 1 or > 5)
        {
            errors["minProficiency"] = ["The minimum proficiency is 1 (basic) to 5 (expert)."];
        }
        var keywords = string.Join(',', input.Keywords ?? []);
        if (keywords.Length > 2000 || (input.Keywords ?? []).Any(k => k.Contains(',', StringComparison.Ordinal)))
        {
            errors["keywords"] = ["Keywords are at most 2,000 characters in all, one word or phrase per entry (no commas)."];
        }
        if ((input.Inboxes ?? []).Count > 20 || (input.Inboxes ?? []).Any(i => i.Trim().Length is 0 or > 200 || i.Contains(',', StringComparison.Ordinal)))
        {
            errors["inboxes"] = ["At most 20 inboxes (a number or mailbox address each, up to 200 characters, no commas)."];
        }
        if ((input.Languages ?? []).FirstOrDefault(l => !KnownLanguages.Contains(l.Trim().ToLowerInvariant())) is { } language)
        {
            errors["languages"] = [$"'{language}' is not a language the router detects; use {string.Join(", ", KnownLanguages)}."];
        }
        CheckLabels(input.ContactTags, "contactTags", "contact tag", errors);
        CheckLabels(input.Categories, "categories", "category", errors);
        if (input.TeamId is Guid team && !await db.Teams.AnyAsync(t => t.Id == team, ct))
        {
            errors["teamId"] = [$"There is no team {team}."];
        }
        ValidateEscalation(input, id, queues, errors);
        if (!string.IsNullOrWhiteSpace(input.Survey) && !Surveys.QueueSurveys.Parse(input.Survey, out _))
        {
            errors["survey"] = [$"'{input.Survey}' is not a survey; use {string.Join(", ", Surveys.QueueSurveys.Choices)}, or leave it empty for the default."];
        }
        ValidateBusinessHours(input, knownCategories, errors);
        return errors;
    }

    private static async Task ValidateSkillAsync(QueueInput input, HubDbContext db, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Skill))
        {
            return;
        }
        var skill = Agents.AgentSkills.Normalize(input.Skill);
        if (!Agents.AgentSkills.IsValidName(skill))
        {
            errors["skill"] = [$"'{input.Skill}' is not a skill name: 1-64 letters, digits, '-', '_' or spaces."];
        }
        else if (!await db.AgentSkills.AnyAsync(s => s.Skill == skill, ct))
        {
            // A queue nobody can serve would only ever fall back: name a skill some agent has.
            var known = await db.AgentSkills.Select(s => s.Skill).Distinct().OrderBy(s => s).Take(20).ToListAsync(ct);
            errors["skill"] = [known.Count == 0
                ? $"No agent has the skill '{skill}' (no agent has any skill yet): add it to agents first."
                : $"No agent has the skill '{skill}'; known skills: {string.Join(", ", known)}."];
        }
    }

    private static void ValidateEscalation(QueueInput input, Guid id, IReadOnlyList<RoutingQueue> queues, Dictionary<string, string[]> errors)
    {
        if (input.AlertAfterSeconds is < 1 or > 7 * 86400)
        {
            errors["alertAfterSeconds"] = ["The supervisor alert wait is 1 second to 7 days, or empty for none."];
        }
        if (input.OverflowQueueId is not Guid overflow)
        {
            return;
        }
        if (input.OverflowAfterSeconds is not (>= 1 and <= 7 * 86400))
        {
            errors["overflowAfterSeconds"] = ["With an overflow queue, say after how long: 1 second to 7 days."];
        }
        if (overflow == id)
        {
            errors["overflowQueueId"] = ["A queue cannot overflow to itself."];
            return;
        }
        if (queues.All(q => q.Id != overflow))
        {
            errors["overflowQueueId"] = [$"There is no queue {overflow}."];
            return;
        }
        // The changed queue first, so a cycle is named starting from it.
        var proposed = queues.Where(q => q.Id != id).Select(q => (q.Id, q.Name, q.OverflowQueueId))
            .Prepend((id, input.Name?.Trim() ?? "this queue", (Guid?)overflow)).ToList();
        if (RoutingPolicy.FindOverflowCycle(proposed) is { } cycle)
        {
            errors["overflowQueueId"] = [$"Overflow would go round in a circle: {string.Join(" → ", cycle)}."];
        }
    }

    private static void ValidateBusinessHours(QueueInput input, IReadOnlyList<string>? knownCategories, Dictionary<string, string[]> errors)
    {
        if (input.ResolutionSlaSeconds is < 1 or > 90 * 86400)
        {
            errors["resolutionSlaSeconds"] = ["The resolution SLA is 1 second to 90 days, or empty for the default."];
        }
        if (input.Calendar is { } calendar && QueueCalendar.Validate(calendar) is { Count: > 0 } problems)
        {
            errors["calendar"] = [.. problems];
        }
        if (!string.IsNullOrWhiteSpace(input.SetsCategory) && knownCategories is not null
            && !knownCategories.Contains(input.SetsCategory.Trim().ToLowerInvariant()))
        {
            errors["setsCategory"] = [$"'{input.SetsCategory}' is not a category; use one of {string.Join(", ", knownCategories)} (Crm:Conversations:Categories)."];
        }
    }

    private static void CheckLabels(IReadOnlyList<string>? labels, string field, string what, Dictionary<string, string[]> errors)
    {
        var all = labels ?? [];
        var bad = all.FirstOrDefault(l => !Label().IsMatch(l.Trim()));
        if (all.Count > 20 || bad is not null)
        {
            errors[field] = [$"At most 20, each a {what} of 1-50 letters, digits, '-' or '_'" + (bad is null ? "." : $"; '{bad}' is not.")];
        }
    }

    [GeneratedRegex(@"^[\p{L}\p{Nd}_-]{1,50}$")]
    private static partial Regex Label();
}
