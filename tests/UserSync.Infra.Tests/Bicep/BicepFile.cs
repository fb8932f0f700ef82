using System.Text;
using System.Text.RegularExpressions;

namespace UserSync.Infra.Tests.Bicep;

/// <summary>
/// One .bicep file read as text, enough of it to check without a compiler: its declarations
/// (params, vars, resources, modules, outputs) and the members of object blocks. Two views of the
/// text keep positions aligned: <see cref="Code"/> without comments, and <see cref="Skeleton"/>
/// without comments and string contents, where braces can be counted safely.
/// </summary>
internal sealed partial class BicepFile
{
    private static readonly string[] DeclarationKeywords =
        ["param ", "var ", "resource ", "module ", "output ", "targetScope", "type ", "import ", "func ", "metadata ", "extension "];

    public BicepFile(string path, string text)
    {
        Path = path;
        Text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        (Code, Skeleton) = Views(Text);
    }

    /// <summary>Path relative to infra/, with forward slashes.</summary>
    public string Path { get; }

    public string Text { get; }

    public string Code { get; }

    public string Skeleton { get; }

    public IReadOnlyList<BicepParam> Params() =>
        Declarations(ParamRegex())
            .Select(m => new BicepParam(
                Path,
                m.Groups["name"].Value,
                m.Groups["type"].Value,
                m.Groups["default"].Success ? m.Groups["default"].Value.Trim() : null,
                SecureDecorator().IsMatch(DecoratorsAbove(m.Index))))
            .ToList();

    public IReadOnlyList<BicepOutput> Outputs() =>
        Declarations(OutputRegex())
            .Select(m => new BicepOutput(Path, m.Groups["name"].Value, m.Groups["value"].Value.Trim(),
                SecureDecorator().IsMatch(DecoratorsAbove(m.Index))))
            .ToList();

    public IReadOnlyList<string> ModulePaths() =>
        Declarations(ModuleRegex()).Select(m => m.Groups["path"].Value).ToList();

    public IReadOnlyList<BicepResource> Resources()
    {
        var resources = new List<BicepResource>();
        foreach (var m in Declarations(ResourceRegex()))
        {
            var open = Skeleton.IndexOf('{', m.Groups["rest"].Index);
            if (open < 0)
            {
                continue;
            }

            var close = Matching(open);
            resources.Add(new BicepResource(this, m.Groups["symbol"].Value, m.Groups["type"].Value, open, close,
                m.Groups["existing"].Success));
        }

        return resources;
    }

    /// <summary>The value of a top-level <c>var</c> (multi-line strings, objects and arrays included), or null.</summary>
    public string? Var(string name)
    {
        foreach (var m in Declarations(VarRegex()))
        {
            if (m.Groups["name"].Value == name)
            {
                var start = m.Groups["value"].Index;
                return Code[start..ValueEnd(start, Code.Length)].Trim();
            }
        }

        return null;
    }

    /// <summary>A top-level var's or param default's string literal, or null when it is not a plain literal.</summary>
    public string? LiteralOf(string expression)
    {
        expression = expression.Trim();
        if (Literal(expression) is { } literal)
        {
            return literal;
        }

        if (!Identifier().IsMatch(expression))
        {
            return null;
        }

        if (Var(expression) is { } value)
        {
            return Literal(value);
        }

        return Params().FirstOrDefault(p => p.Name == expression)?.Default is { } fallback ? Literal(fallback) : null;
    }

    /// <summary>
    /// The members of the object whose opening brace is at <paramref name="open"/>: key and value
    /// text (a value spans lines while brackets are open, so objects, arrays and ''' strings come whole).
    /// </summary>
    public IReadOnlyList<BicepEntry> Entries(int open)
    {
        var close = Matching(open);
        var entries = new List<BicepEntry>();
        var depth = 0;
        var i = open + 1;
        while (i < close)
        {
            if (depth == 0 && Code[i - 1] == '\n' && EntryKey().Match(Code, i) is { Success: true } key && key.Index == i)
            {
                var valueStart = key.Index + key.Length;
                var valueEnd = ValueEnd(valueStart, close);
                var name = key.Groups["quoted"].Success ? key.Groups["quoted"].Value : key.Groups["name"].Value;
                entries.Add(new BicepEntry(name, Code[valueStart..valueEnd].Trim(), valueStart));
                i = valueEnd;
                continue;
            }

            depth += Skeleton[i] switch
            {
                '{' or '[' or '(' => 1,
                '}' or ']' or ')' => -1,
                _ => 0,
            };
            i++;
        }

        return entries;
    }

    /// <summary>
    /// The members of every object literal in the expression between <paramref name="start"/> and
    /// <paramref name="end"/>, and of the objects in the top-level vars it names (followed
    /// recursively): <c>union(base, cond ? { A: x } : {})</c> yields base's members and A. Values
    /// are not searched, so an object inside a member's value is not taken for more members.
    /// </summary>
    public IReadOnlyList<BicepEntry> ObjectMembers(int start, int end) => ObjectMembers(start, end, new HashSet<string>(StringComparer.Ordinal));

    private List<BicepEntry> ObjectMembers(int start, int end, HashSet<string> followed)
    {
        var entries = new List<BicepEntry>();
        var i = start;
        while (i < Math.Min(end, Skeleton.Length))
        {
            if (Skeleton[i] == '{')
            {
                entries.AddRange(Entries(i));
                i = Matching(i) + 1;
                continue;
            }

            if ((i == 0 || !(char.IsLetterOrDigit(Skeleton[i - 1]) || Skeleton[i - 1] is '_' or '.'))
                && WordAt().Match(Skeleton, i) is { Success: true } word && word.Index == i)
            {
                if (followed.Add(word.Value) && VarSpan(word.Value) is { } span)
                {
                    entries.AddRange(ObjectMembers(span.Start, span.End, followed));
                }

                i += word.Length;
                continue;
            }

            i++;
        }

        return entries;
    }

    /// <summary>Where a top-level var's value starts and ends in the file, or null.</summary>
    private (int Start, int End)? VarSpan(string name)
    {
        foreach (var m in Declarations(VarRegex()))
        {
            if (m.Groups["name"].Value == name)
            {
                var start = m.Groups["value"].Index;
                return (start, ValueEnd(start, Code.Length));
            }
        }

        return null;
    }

    /// <summary>Index of the bracket closing the one at <paramref name="open"/>, counted on the skeleton.</summary>
    public int Matching(int open)
    {
        var depth = 0;
        for (var i = open; i < Skeleton.Length; i++)
        {
            switch (Skeleton[i])
            {
                case '{' or '[' or '(':
                    depth++;
                    break;
                case '}' or ']' or ')':
                    depth--;
                    if (depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }

        throw new FormatException($"{Path}: bracket at offset {open} is never closed.");
    }

    /// <summary>A plain string literal's content ('...' without interpolation, or '''...'''), or null.</summary>
    public static string? Literal(string expression)
    {
        expression = expression.Trim();
        if (expression.Length >= 6 && expression.StartsWith("'''", StringComparison.Ordinal) && expression.EndsWith("'''", StringComparison.Ordinal))
        {
            // Like Bicep, a newline right after the opening quotes is not part of the value.
            var content = expression[3..^3];
            return content.StartsWith('\n') ? content[1..] : content;
        }

        var m = PlainLiteral().Match(expression);
        return m.Success ? m.Groups["value"].Value.Replace("\\'", "'", StringComparison.Ordinal) : null;
    }

    private int ValueEnd(int start, int limit)
    {
        var depth = 0;
        for (var i = start; i < limit; i++)
        {
            switch (Skeleton[i])
            {
                case '{' or '[' or '(':
                    depth++;
                    break;
                case '}' or ']' or ')':
                    depth--;
                    break;
                case '\n' when depth <= 0:
                    return i;
            }
        }

        return limit;
    }

    private IEnumerable<Match> Declarations(Regex regex) =>
        regex.Matches(Code).Where(m => Skeleton[m.Groups["keyword"].Index] == Code[m.Groups["keyword"].Index] && Depth(m.Index) == 0);

    private int Depth(int position)
    {
        var depth = 0;
        for (var i = 0; i < position; i++)
        {
            depth += Skeleton[i] switch
            {
                '{' or '[' or '(' => 1,
                '}' or ']' or ')' => -1,
                _ => 0,
            };
        }

        return depth;
    }

    /// <summary>The decorator lines right above a declaration (up to a blank line or the previous declaration).</summary>
    private string DecoratorsAbove(int declarationIndex)
    {
        var lines = Code[..declarationIndex].Split('\n');
        var decorators = new List<string>();
        for (var i = lines.Length - 2; i >= 0; i--)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || DeclarationKeywords.Any(k => line.StartsWith(k, StringComparison.Ordinal)))
            {
                break;
            }

            decorators.Add(line);
        }

        return string.Join('\n', decorators);
    }

    /// <summary>Blanks comments (both views) and string contents (skeleton), keeping every offset and line.</summary>
    private static (string Code, string Skeleton) Views(string text)
    {
        var code = new StringBuilder(text);
        var skeleton = new StringBuilder(text);
        // Each frame is a string (null) or code with its own brace depth (an interpolation inside a string, or the file).
        var frames = new Stack<int?>();
        frames.Push(0);
        var i = 0;
        while (i < text.Length)
        {
            var inString = frames.Contains(null);
            if (frames.Peek() is { } braces)
            {
                if (At(text, i, "//"))
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        Blank(code, i);
                        Blank(skeleton, i);
                        i++;
                    }

                    continue;
                }

                if (At(text, i, "/*"))
                {
                    var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    end = end < 0 ? text.Length : end + 2;
                    for (; i < end; i++)
                    {
                        Blank(code, i);
                        Blank(skeleton, i);
                    }

                    continue;
                }

                if (At(text, i, "'''"))
                {
                    var end = text.IndexOf("'''", i + 3, StringComparison.Ordinal);
                    end = end < 0 ? text.Length : end;
                    for (var j = i + 3; j < end; j++)
                    {
                        Blank(skeleton, j, newlines: true);
                    }

                    if (inString)
                    {
                        for (var j = i; j < Math.Min(end + 3, text.Length); j++)
                        {
                            Blank(skeleton, j, newlines: true);
                        }
                    }

                    i = end + 3;
                    continue;
                }

                if (inString)
                {
                    Blank(skeleton, i, newlines: true);
                }

                switch (text[i])
                {
                    case '\'':
                        frames.Push(null);
                        break;
                    case '{':
                        frames.Pop();
                        frames.Push(braces + 1);
                        break;
                    case '}' when braces == 0 && frames.Count > 1:
                        frames.Pop();
                        break;
                    case '}':
                        frames.Pop();
                        frames.Push(braces - 1);
                        break;
                }

                i++;
                continue;
            }

            // Inside a '...' string.
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                Blank(skeleton, i, newlines: true);
                Blank(skeleton, i + 1, newlines: true);
                i += 2;
                continue;
            }

            if (text[i] == '\'')
            {
                frames.Pop();
                if (frames.Contains(null))
                {
                    Blank(skeleton, i, newlines: true);
                }

                i++;
                continue;
            }

            if (At(text, i, "${"))
            {
                Blank(skeleton, i, newlines: true);
                Blank(skeleton, i + 1, newlines: true);
                frames.Push(0);
                i += 2;
                continue;
            }

            Blank(skeleton, i, newlines: true);
            i++;
        }

        return (code.ToString(), skeleton.ToString());
    }

    private static bool At(string text, int index, string token) =>
        string.CompareOrdinal(text, index, token, 0, token.Length) == 0;

    private static void Blank(StringBuilder builder, int index, bool newlines = false)
    {
        if (builder[index] != '\n' || newlines)
        {
            builder[index] = ' ';
        }
    }

    [GeneratedRegex(@"^[ \t]*(?<keyword>param)[ \t]+(?<name>\w+)[ \t]+(?<type>[\w.]+)(?:[ \t]*=[ \t]*(?<default>[^\n]+))?[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex ParamRegex();

    [GeneratedRegex(@"^[ \t]*(?<keyword>output)[ \t]+(?<name>\w+)[ \t]+(?<type>[\w.]+)[ \t]*=[ \t]*(?<value>[^\n]+)$", RegexOptions.Multiline)]
    private static partial Regex OutputRegex();

    [GeneratedRegex(@"^[ \t]*(?<keyword>var)[ \t]+(?<name>\w+)[ \t]*=[ \t]*(?<value>)", RegexOptions.Multiline)]
    private static partial Regex VarRegex();

    [GeneratedRegex(@"^[ \t]*(?<keyword>module)[ \t]+(?<symbol>\w+)[ \t]+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleRegex();

    [GeneratedRegex(@"^[ \t]*(?<keyword>resource)[ \t]+(?<symbol>\w+)[ \t]+'(?<type>[^']+)'(?<existing>[ \t]+existing)?[ \t]*=(?<rest>)", RegexOptions.Multiline)]
    private static partial Regex ResourceRegex();

    [GeneratedRegex(@"[ \t]*(?:'(?<quoted>[^'\n]*)'|(?<name>[A-Za-z_]\w*))[ \t]*:")]
    private static partial Regex EntryKey();

    [GeneratedRegex(@"@secure\(\s*\)")]
    private static partial Regex SecureDecorator();

    [GeneratedRegex(@"^'(?<value>(?:[^'\\$]|\\.|\$(?!\{))*)'$")]
    private static partial Regex PlainLiteral();

    [GeneratedRegex(@"^[A-Za-z_]\w*$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\G[A-Za-z_]\w*")]
    private static partial Regex WordAt();
}
