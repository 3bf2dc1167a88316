namespace JindoMeta.TableStore;

/// <summary>What a write expects of the existing row.</summary>
public enum RowExistence
{
    Ignore = 0,
    ExpectExist = 1,
    ExpectNotExist = 2,
}

/// <summary>A write's condition: row existence plus an optional column condition evaluated on the existing row.</summary>
public sealed record RowCondition(RowExistence Existence, ColumnCondition? ColumnCondition = null)
{
    public static RowCondition Ignore { get; } = new(RowExistence.Ignore);
    public static RowCondition ExpectExist { get; } = new(RowExistence.ExpectExist);
    public static RowCondition ExpectNotExist { get; } = new(RowExistence.ExpectNotExist);
}

/// <summary>What a write returns.</summary>
public enum ReturnKind
{
    None = 0,
    PrimaryKey = 1,
    AfterModify = 2,
}
