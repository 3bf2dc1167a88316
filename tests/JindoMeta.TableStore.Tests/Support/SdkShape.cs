using System.Globalization;
using System.Text.Json.Nodes;

namespace JindoMeta.TableStore.Tests.Support;

/// <summary>Renders our decoded values in the shape the Node SDK's results take in the vectors, for deep comparison.</summary>
internal static class SdkShape
{
    public static JsonNode? Value(ColumnValue value) => value.Type switch
    {
        ColumnValueType.String => JsonValue.Create(value.AsString()),
        ColumnValueType.Integer => new JsonObject { ["$int64"] = value.AsInteger().ToString(CultureInfo.InvariantCulture) },
        ColumnValueType.Double => JsonValue.Create(value.AsDouble()),
        ColumnValueType.Boolean => JsonValue.Create(value.AsBoolean()),
        ColumnValueType.Binary => new JsonObject { ["$hex"] = Convert.ToHexStringLower(value.AsBinary()) },
        _ => throw new InvalidOperationException(value.ToString()),
    };

    public static JsonArray Key(PrimaryKey key) =>
        new(key.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["value"] = Value(c.Value) }).ToArray());

    public static JsonObject Row(Row? row)
    {
        if (row is null)
        {
            return [];
        }
        var attributes = new JsonArray();
        foreach (var column in row.Columns)
        {
            var cell = new JsonObject { ["columnName"] = column.Name, ["columnValue"] = Value(column.Value) };
            if (column.Timestamp is { } ts)
            {
                cell["timestamp"] = new JsonObject { ["$int64"] = ts.ToString(CultureInfo.InvariantCulture) };
            }
            attributes.Add(cell);
        }
        return new JsonObject { ["primaryKey"] = Key(row.PrimaryKey), ["attributes"] = attributes };
    }

    public static JsonObject Capacity(ConsumedCapacity consumed) =>
        new() { ["capacityUnit"] = new JsonObject { ["read"] = consumed.Read, ["write"] = consumed.Write } };

    public static void AssertSame(JsonNode? expected, JsonNode? actual)
    {
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected?.ToJsonString()}\n  actual {actual?.ToJsonString()}");
    }
}
