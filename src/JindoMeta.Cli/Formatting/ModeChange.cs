using System.Text.RegularExpressions;

namespace JindoMeta.Cli.Formatting;

/// <summary>
/// A `-chmod` mode: octal ([01]?[0-7]{3}) or symbolic clauses [ugoa]*[+-=][rwxXt]* separated by commas. As in
/// Hadoop, no umask applies and an empty who means all; X adds execute only to directories or to files that already
/// have an execute bit; t is the sticky bit.
/// </summary>
public sealed partial class ModeChange
{
    private readonly uint? _octal;
    private readonly List<(int Who, char Op, int Bits, bool ConditionalExecute, bool Sticky)> _clauses = [];

    private ModeChange(uint? octal) => _octal = octal;

    public static ModeChange Parse(string mode)
    {
        var octal = OctalPattern().Match(mode);
        if (octal.Success)
        {
            var digits = octal.Groups[1].Value + octal.Groups[2].Value;
            return new ModeChange(Convert.ToUInt32(digits, 8));
        }

        if (!SymbolicPattern().IsMatch(mode))
        {
            throw new FormatException($"chmod : mode '{mode}' does not match the expected pattern.");
        }

        var change = new ModeChange(null);
        foreach (Match clause in ClausePattern().Matches(mode))
        {
            var who = 0;
            foreach (var c in clause.Groups[1].Value)
            {
                who |= c switch { 'u' => 4, 'g' => 2, 'o' => 1, _ => 7 };
            }

            if (who == 0)
            {
                who = 7;
            }

            var bits = 0;
            var conditional = false;
            var sticky = false;
            foreach (var c in clause.Groups[3].Value)
            {
                switch (c)
                {
                    case 'r': bits |= 4; break;
                    case 'w': bits |= 2; break;
                    case 'x': bits |= 1; break;
                    case 'X': conditional = true; break;
                    default: sticky = true; break;
                }
            }

            foreach (var op in clause.Groups[2].Value)
            {
                change._clauses.Add((who, op, bits, conditional, sticky));
            }
        }

        return change;
    }

    /// <summary>The new permission for a path whose current permission is <paramref name="current"/>.</summary>
    public uint Apply(uint current, bool isDirectory)
    {
        if (_octal is { } octal)
        {
            return octal;
        }

        var executable = isDirectory || (current & 0x49) != 0; // any of octal 111
        var result = current & 0x3FF;
        foreach (var (who, op, bits, conditional, sticky) in _clauses)
        {
            var clauseBits = bits | (conditional && executable ? 1 : 0);
            for (var shift = 0; shift < 3; shift++)
            {
                if ((who & (1 << shift)) == 0)
                {
                    continue;
                }

                var mask = (uint)clauseBits << (shift * 3);
                result = op switch
                {
                    '+' => result | mask,
                    '-' => result & ~mask,
                    _ => (result & ~(7u << (shift * 3))) | mask,
                };
            }

            if ((who & 1) != 0 && (sticky || op == '='))
            {
                var stickyOn = op == '=' ? sticky : op == '+';
                result = stickyOn ? result | PermissionFormat.StickyBit : result & ~PermissionFormat.StickyBit;
            }
        }

        return result;
    }

    [GeneratedRegex(@"^\s*\+?([01]?)([0-7]{3})\s*$")]
    private static partial Regex OctalPattern();

    [GeneratedRegex(@"^\s*(?:[ugoa]*[+=-]+[rwxXt]*\s*(?:,\s*|$))+$")]
    private static partial Regex SymbolicPattern();

    [GeneratedRegex(@"([ugoa]*)([+=-]+)([rwxXt]*)")]
    private static partial Regex ClausePattern();
}
