using System.Collections.ObjectModel;

namespace PcapViz;

/// <summary>
/// A list of strings whose text is the items joined by ", ": Export-Csv and Group-Object, which take a property's
/// text, get the items instead of "System.String[]", while ConvertTo-Json and the pipeline still see a list.
/// </summary>
public sealed class TextList(IList<string> items) : ReadOnlyCollection<string>(items)
{
    public override string ToString() => string.Join(", ", this);
}
