namespace JindoMeta.Namespace.Errors;

/// <summary>Either a value or a <see cref="NamespaceError"/>; expected failures never throw.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, NamespaceError? error)
    {
        _value = value;
        Error = error;
    }

    public NamespaceError? Error { get; }

    public bool IsOk => Error is null;

    /// <summary>The value; throws if this is an error (a caller bug: check <see cref="IsOk"/> first).</summary>
    public T Value => Error is null ? _value! : throw new InvalidOperationException($"Result is an error: {Error}");

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(NamespaceError error) => new(default, error);

    public static implicit operator Result<T>(NamespaceError error) => Fail(error);

    public static implicit operator Result<T>(T value) => Ok(value);

    public override string ToString() => IsOk ? $"Ok({_value})" : $"Error({Error})";
}
