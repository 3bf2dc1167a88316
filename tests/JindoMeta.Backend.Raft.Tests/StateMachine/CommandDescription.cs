using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using JindoMeta.Namespace.Commands;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

/// <summary>
/// A command as text, field by field with lists expanded: records compare their list fields by reference, so
/// round-trip tests compare these descriptions instead.
/// </summary>
internal static class CommandDescription
{
    public static string Of(NamespaceCommand command)
    {
        var text = new StringBuilder(command.GetType().Name);
        Append(text, command);
        return text.ToString();
    }

    private static void Append(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case string s:
                text.Append('"').Append(s).Append('"');
                break;
            case IEnumerable list:
                text.Append('[');
                foreach (var item in list)
                {
                    Append(text, item);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case IFormattable formattable when value.GetType().IsPrimitive || value is Enum:
                text.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            case bool b:
                text.Append(b);
                break;
            default:
                text.Append('{');
                foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
                    {
                        text.Append(property.Name).Append('=');
                        Append(text, property.GetValue(value));
                        text.Append(';');
                    }
                }

                text.Append('}');
                break;
        }
    }
}
