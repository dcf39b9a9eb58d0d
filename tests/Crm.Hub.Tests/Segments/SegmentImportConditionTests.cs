using System.Text.Json;
using Crm.Hub.Segments;
using Crm.Hub.Tests.Support;

namespace Crm.Hub.Tests.Segments;

/// <summary>The "contacts of import X" condition as the validator sees it, without a database (whether the import exists is the API's check).</summary>
public sealed class SegmentImportConditionTests
{
    private static SegmentDefinition Parse(string json) => JsonSerializer.Deserialize<SegmentDefinition>(json.Replace('\'', '"'), HubServer.Json)!;

    [Fact]
    public void AnImportIdIsAValidCondition()
    {
        var errors = SegmentValidator.Validate(Parse("{'match':'all','conditions':[{'field':'import','operator':'is','value':'0193a1b2-0000-7000-8000-000000000001'},"
            + "{'field':'channel','operator':'available','value':'sms'}]}"));

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("{'field':'import','operator':'is','value':'not-an-id'}", "conditions[0].value", "is not an import id")]
    [InlineData("{'field':'import','operator':'is'}", "conditions[0].value", "is not an import id")]
    [InlineData("{'field':'import','operator':'is','value':'00000000-0000-0000-0000-000000000000'}", "conditions[0].value", "is not an import id")]
    [InlineData("{'field':'import','operator':'has','value':'0193a1b2-0000-7000-8000-000000000001'}", "conditions[0].operator", "\"has\" is not an operator of import; use is")]
    public void ABadImportConditionIsRefusedAtItsPath(string condition, string path, string message)
    {
        var errors = SegmentValidator.Validate(Parse($"{{'match':'all','conditions':[{condition}]}}"));

        var error = Assert.Single(errors);
        Assert.Equal(path, error.Key);
        Assert.Contains(message, Assert.Single(error.Value), StringComparison.Ordinal);
    }

    [Fact]
    public void ImportsAreFoundAtEveryDepthWithTheirPaths()
    {
        var first = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");
        var second = Guid.Parse("0193a1b2-0000-7000-8000-000000000002");
        var definition = Parse("{'match':'any','conditions':[{'field':'tag','operator':'has','value':'vip'},"
            + $"{{'field':'import','operator':'is','value':'{first}'}},"
            + "{'match':'all','conditions':[{'field':'locale','operator':'is','value':'fa'},"
            + $"{{'field':'import','operator':'is','value':'{second}'}},{{'field':'import','operator':'is','value':'junk'}}]}}]}}");

        var found = SegmentValidator.Imports(definition).ToList();

        Assert.Equal([("conditions[1]", first), ("conditions[2].conditions[1]", second)], found);
    }

    [Fact]
    public void TheConditionIsOfferedWithItsOperator() =>
        Assert.Equal(["is"], SegmentFields.Operators[SegmentFields.Import]);
}
