using System.Management.Automation;

namespace PcapViz.PowerShell;

/// <summary>
/// Parameters typed object (a capture or a topology, either) get no type conversion from PowerShell, so a capture, flow
/// or topology brought back by Import-Clixml or remoting arrives as a property bag: made live again here, through the
/// same PcapObjectConverter the typed parameters use. Over SSH remoting (Invoke-Command -HostName, New-PSSession
/// -HostName) PowerShell deserializes with its built-in type table only, so PcapViz.Types.ps1xml never rehydrates what
/// comes back, even with the module imported: every bag reaches the cmdlets as it is.
/// </summary>
internal static class Rehydration
{
    public static object? Live(object? item)
    {
        var wrapped = item is null ? null : PSObject.AsPSObject(item);
        if (wrapped?.BaseObject is PcapCapture or PcapFlow or PcapTopology)
            return wrapped.BaseObject;
        foreach (var type in new[] { typeof(PcapCapture), typeof(PcapFlow), typeof(PcapTopology) })
        {
            if (wrapped is not null && wrapped.TypeNames.Contains("Deserialized." + type.FullName))
                return LanguagePrimitives.ConvertTo(wrapped, type);
        }
        return wrapped?.BaseObject;
    }
}
