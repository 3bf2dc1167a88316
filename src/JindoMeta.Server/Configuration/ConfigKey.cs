namespace JindoMeta.Server.Configuration;

/// <summary>One documented configuration key: its default, what it means, and how a value is checked.</summary>
/// <param name="Name">The key as operators write it, e.g. <c>namespace.backend.type</c>.</param>
/// <param name="Default">The value when no source sets it (null: unset).</param>
/// <param name="Description">One line for config/ docs and --help.</param>
/// <param name="Check">Null when a value is acceptable, else what is wrong with it.</param>
/// <param name="Secret">Masked in --print-config and never logged.</param>
public sealed record ConfigKey(string Name, string? Default, string Description, Func<string, string?> Check, bool Secret = false)
{
    /// <summary>The environment variable that sets this key: JINDOMETA_ + the name in upper case with '.' and '-' as '_'.</summary>
    public string EnvironmentVariable => "JINDOMETA_" + Name.ToUpperInvariant().Replace('.', '_').Replace('-', '_');
}
