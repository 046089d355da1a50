using System.Management.Automation;

namespace PcapViz.PowerShell;

/// <summary>
/// Parameters typed object (a capture or a topology, either) get no type conversion from PowerShell, so a capture or
/// topology brought back by Import-Clixml or remoting arrives as a property bag: made live again here, through the
/// same PcapObjectConverter the typed parameters use.
/// </summary>
internal static class Rehydration
{
    public static object? Live(object? item)
    {
        var wrapped = item is null ? null : PSObject.AsPSObject(item);
        if (wrapped?.BaseObject is PcapCapture or PcapTopology)
            return wrapped.BaseObject;
        foreach (var type in new[] { typeof(PcapCapture), typeof(PcapTopology) })
        {
            if (wrapped is not null && wrapped.TypeNames.Contains("Deserialized." + type.FullName))
                return LanguagePrimitives.ConvertTo(wrapped, type);
        }
        return wrapped?.BaseObject;
    }
}
