using Crm.Channels;
using Crm.Hub.Contacts;

namespace Crm.Hub.Segments;

/// <summary>Checks a condition tree before it is counted or saved; each error is keyed by the path of the bad node ("conditions[1].conditions[0].field").</summary>
internal static class SegmentValidator
{
    public static Dictionary<string, string[]> Validate(SegmentDefinition? root)
    {
        var errors = new Dictionary<string, List<string>>();
        if (root is null)
        {
            Add(errors, "definition", "A segment needs a definition: {\"match\":\"all\",\"conditions\":[…]}.");
        }
        else if (!root.IsGroup)
        {
            Add(errors, "definition", "The root of a segment is a group with match (all or any) and conditions.");
        }
        else
        {
            var count = 0;
            Group(root, "", 0, errors, ref count);
            if (count > SegmentFields.MaxConditions)
            {
                Add(errors, "conditions", $"A segment has at most {SegmentFields.MaxConditions} conditions.");
            }
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    private static void Group(SegmentDefinition group, string path, int depth, Dictionary<string, List<string>> errors, ref int count)
    {
        var prefix = path.Length == 0 ? "" : path + ".";
        if (group.Match is not (SegmentFields.All or SegmentFields.Any))
        {
            Add(errors, prefix + "match", $"match must be \"all\" or \"any\", not \"{group.Match}\".");
        }
        if (group.Field is not null || group.Operator is not null)
        {
            Add(errors, prefix + "field", "A node is either a group (match, conditions) or a condition (field, operator), not both.");
        }
        if (group.Conditions is not { Count: > 0 } conditions)
        {
            Add(errors, prefix + "conditions", depth == 0 ? "The segment has no conditions; add at least one." : "This group has no conditions.");
            return;
        }
        for (var i = 0; i < conditions.Count; i++)
        {
            var node = conditions[i];
            var nodePath = $"{prefix}conditions[{i}]";
            if (node is null)
            {
                Add(errors, nodePath, "A condition cannot be null.");
            }
            else if (node.IsGroup)
            {
                if (depth + 1 > SegmentFields.MaxNesting)
                {
                    Add(errors, nodePath, $"Groups nest at most {SegmentFields.MaxNesting} levels deep.");
                    continue;
                }
                Group(node, nodePath, depth + 1, errors, ref count);
            }
            else
            {
                count++;
                Condition(node, nodePath, errors);
            }
        }
    }

    private static void Condition(SegmentDefinition c, string path, Dictionary<string, List<string>> errors)
    {
        if (c.Field is null || !SegmentFields.Operators.TryGetValue(c.Field, out var operators))
        {
            Add(errors, path + ".field", $"Unknown field \"{c.Field}\"; fields are {string.Join(", ", SegmentFields.Operators.Keys)}.");
            return;
        }
        if (c.Operator is null || !operators.Contains(c.Operator))
        {
            Add(errors, path + ".operator", $"\"{c.Operator}\" is not an operator of {c.Field}; use {string.Join(", ", operators)}.");
            return;
        }
        switch (c.Field, c.Operator)
        {
            case (SegmentFields.Tag, _):
                if (ContactProfileRules.TagError(ContactProfileRules.NormalizeTag(c.Value ?? "")) is { } tagError)
                {
                    Add(errors, path + ".value", tagError);
                }
                break;
            case (SegmentFields.Attribute, _):
                if (ContactProfileRules.AttributeKeyError(ContactProfileRules.NormalizeKey(c.Key ?? "")) is { } keyError)
                {
                    Add(errors, path + ".key", keyError);
                }
                if (c.Operator != "exists" && string.IsNullOrEmpty(c.Value))
                {
                    Add(errors, path + ".value", $"attribute {c.Operator} needs a value.");
                }
                break;
            case (SegmentFields.Channel or SegmentFields.Consent, _):
                if (c.Value is null || !ChannelNames.IsKnown(c.Value))
                {
                    Add(errors, path + ".value", $"\"{c.Value}\" is not a channel; channels are {string.Join(", ", ChannelNames.All)}.");
                }
                break;
            case (SegmentFields.Locale, _):
                if (ContactProfileRules.Locale(c.Value) is null)
                {
                    Add(errors, path + ".value", $"Locale must be one of {string.Join(", ", ContactProfileRules.Locales)}.");
                }
                break;
            case (SegmentFields.Import, _):
                if (!Guid.TryParse(c.Value, out var importId) || importId == Guid.Empty)
                {
                    Add(errors, path + ".value", $"\"{c.Value}\" is not an import id; pick a finished contact import.");
                }
                break;
            case (_, "within" or "notWithin"):
                if (c.Days is not (>= 1 and <= SegmentFields.MaxDays))
                {
                    Add(errors, path + ".days", $"days must be 1 to {SegmentFields.MaxDays}, not {c.Days?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}.");
                }
                break;
            case (_, "before" or "after"):
                if (c.Date is null)
                {
                    Add(errors, path + ".date", $"{c.Field} {c.Operator} needs a date.");
                }
                break;
        }
    }

    /// <summary>Each import condition's path ("conditions[2]") and import id, for the caller to check against the database.</summary>
    public static IEnumerable<(string Path, Guid ImportId)> Imports(SegmentDefinition? root, string path = "")
    {
        var prefix = path.Length == 0 ? "" : path + ".";
        var conditions = root?.Conditions ?? [];
        for (var i = 0; i < conditions.Count; i++)
        {
            var node = conditions[i];
            var nodePath = $"{prefix}conditions[{i}]";
            if (node is null)
            {
                continue;
            }
            if (node.IsGroup)
            {
                foreach (var inner in Imports(node, nodePath))
                {
                    yield return inner;
                }
            }
            else if (node.Field == SegmentFields.Import && Guid.TryParse(node.Value, out var id))
            {
                yield return (nodePath, id);
            }
        }
    }

    private static void Add(Dictionary<string, List<string>> errors, string key, string message)
    {
        if (!errors.TryGetValue(key, out var list))
        {
            errors[key] = list = [];
        }
        list.Add(message);
    }
}
