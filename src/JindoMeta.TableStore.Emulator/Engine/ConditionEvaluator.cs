namespace JindoMeta.TableStore.Emulator.Engine;

/// <summary>Evaluates column conditions and read filters against a stored row (PROTOCOL.md 4.1).</summary>
internal static class ConditionEvaluator
{
    public static bool Matches(ColumnCondition condition, StoredRow? row) => condition switch
    {
        SingleColumnCondition single => MatchesSingle(single, row),
        CompositeCondition { Combinator: LogicalCombinator.Not } not => !Matches(not.Conditions[0], row),
        CompositeCondition { Combinator: LogicalCombinator.And } and => and.Conditions.All(c => Matches(c, row)),
        CompositeCondition { Combinator: LogicalCombinator.Or } or => or.Conditions.Any(c => Matches(c, row)),
        ColumnPaginationCondition => true,
        _ => throw OtsError.Invalid("unsupported condition"),
    };

    public static void ValidateForWrite(ColumnCondition condition)
    {
        switch (condition)
        {
            case ColumnPaginationCondition:
                throw OtsError.Invalid("ColumnPaginationFilter is not allowed in a condition.");
            case CompositeCondition composite:
                foreach (var sub in composite.Conditions)
                {
                    ValidateForWrite(sub);
                }
                break;
            default:
                break;
        }
    }

    private static bool MatchesSingle(SingleColumnCondition condition, StoredRow? row)
    {
        if (row is null || !row.Columns.TryGetValue(condition.ColumnName, out var versions) || versions.Count == 0)
        {
            return condition.PassIfMissing;
        }
        if (condition.LatestVersionOnly)
        {
            return Compare(versions[0].Value, condition.Operator, condition.Value);
        }
        foreach (var version in versions)
        {
            if (Compare(version.Value, condition.Operator, condition.Value))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Compare(ColumnValue actual, ComparisonOperator op, ColumnValue expected)
    {
        if (actual.Type != expected.Type)
        {
            // Values of different types are never equal and never ordered.
            return op == ComparisonOperator.NotEqual;
        }
        var c = actual.CompareTo(expected);
        return op switch
        {
            ComparisonOperator.Equal => c == 0,
            ComparisonOperator.NotEqual => c != 0,
            ComparisonOperator.GreaterThan => c > 0,
            ComparisonOperator.GreaterEqual => c >= 0,
            ComparisonOperator.LessThan => c < 0,
            ComparisonOperator.LessEqual => c <= 0,
            _ => false,
        };
    }
}
