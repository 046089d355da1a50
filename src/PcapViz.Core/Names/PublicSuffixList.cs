using System.Globalization;

namespace PcapViz.Core.Names;

/// <summary>
/// Mozilla's Public Suffix List (embedded, MPL-2.0; see the README's credits): which part of a name anyone may
/// register under, so that <c>a1b2.tunnel.example.co.uk</c> counts against <c>example.co.uk</c>. Both the ICANN
/// and the private sections are used, with the list's own algorithm: the longest matching rule wins, exception
/// rules (<c>!</c>) beat wildcards (<c>*.</c>), and a name under no rule takes its last label as the suffix.
/// </summary>
internal static class PublicSuffixList
{
    private const string ResourceName = "PcapViz.Core.Names.Assets.public_suffix_list.dat";
    private const byte Normal = 1, Wildcard = 2, Exception = 4;

    private static readonly Lazy<SpanKeyedTable<byte>> Rules = new(Load);

    /// <summary>
    /// The registered domain of a lower-case DNS name (the public suffix and one label more), or the whole name when it
    /// is itself a public suffix or a single label.
    /// </summary>
    public static ReadOnlySpan<char> RegisteredDomain(ReadOnlySpan<char> name)
    {
        name = name.TrimEnd('.');
        var rules = Rules.Value;
        // Label starts, right to left: starts[0] is the last label's.
        Span<int> starts = stackalloc int[128];
        int labels = 0;
        for (int i = name.Length; i > 0 && labels < starts.Length;)
        {
            int dot = LastUnescapedDot(name[..i]);
            starts[labels++] = dot + 1;
            i = dot;
            if (dot < 0)
                break;
        }
        if (labels <= 1)
            return name;
        int suffixLabels = 1;
        for (int k = 1; k <= labels; k++)
        {
            var suffix = name[starts[k - 1]..];
            ref byte rule = ref rules.Find(suffix);
            bool has = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref rule);
            if (has && (rule & Exception) != 0)
            {
                suffixLabels = k - 1;
                break;
            }
            if (has && (rule & Normal) != 0)
                suffixLabels = k;
            // "*.parent" makes every child of parent a suffix.
            if (k >= 2)
            {
                ref byte parent = ref rules.Find(name[starts[k - 2]..]);
                if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref parent) && (parent & Wildcard) != 0)
                    suffixLabels = Math.Max(suffixLabels, k);
            }
        }
        if (suffixLabels >= labels)
            return name;
        return name[starts[suffixLabels]..];
    }

    private static int LastUnescapedDot(ReadOnlySpan<char> text)
    {
        for (int i = text.Length - 1; i >= 0; i--)
        {
            if (text[i] == '.' && (i == 0 || text[i - 1] != '\\'))
                return i;
        }
        return -1;
    }

    private static SpanKeyedTable<byte> Load()
    {
        var table = new SpanKeyedTable<byte>();
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        var idn = new IdnMapping();
        while (reader.ReadLine() is { } line)
        {
            var rule = line.AsSpan().Trim();
            if (rule.IsEmpty || rule.StartsWith("//"))
                continue;
            byte kind = Normal;
            if (rule[0] == '!')
            {
                kind = Exception;
                rule = rule[1..];
            }
            else if (rule.StartsWith("*."))
            {
                kind = Wildcard;
                rule = rule[2..];
            }
            string text = rule.ToString().ToLowerInvariant();
            // Names on the wire are ASCII: internationalised rules are matched in their punycode form.
            if (text.Any(c => c > 0x7F))
            {
                try
                {
                    text = idn.GetAscii(text);
                }
                catch (ArgumentException)
                {
                    continue;
                }
            }
            int index = table.GetOrAdd(text, out _);
            table.ValueAt(index) |= kind;
        }
        return table;
    }
}
