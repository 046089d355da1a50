using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;

namespace PcapViz;

/// <summary>
/// A list of strings whose text is the items joined by ", ": Export-Csv and Group-Object, which take a property's
/// text, get the items instead of "System.String[]", while ConvertTo-Json and the pipeline still see a list.
/// </summary>
[CollectionBuilder(typeof(TextList), nameof(Create))]
public sealed class TextList(IList<string> items) : ReadOnlyCollection<string>(items)
{
    public static new TextList Empty { get; } = new([]);

    public static TextList Create(ReadOnlySpan<string> items) => items.IsEmpty ? Empty : new(items.ToArray());

    public override string ToString() => string.Join(", ", this);
}
