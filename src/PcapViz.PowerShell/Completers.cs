using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PcapViz.Core.Flows;

namespace PcapViz.PowerShell;

/// <summary>Tab completion for -Protocol and -ExcludeProtocol: every protocol and application name flows carry.</summary>
public sealed class ProtocolNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        return ProtocolNames.Known
            .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(name => new CompletionResult(IsBareWord(name) ? name : $"'{name}'", name, CompletionResultType.ParameterValue, name));
    }

    /// <summary>Names such as 802.11-MGMT would parse as a number and more unquoted.</summary>
    private static bool IsBareWord(string name) => char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}

/// <summary>Tab completion for -Layer: 2, 3 and 4, each with what its nodes are.</summary>
public sealed class LayerCompleter : IArgumentCompleter
{
    private static readonly (int Layer, string Nodes)[] Layers = [(2, "MAC addresses"), (3, "IP addresses"), (4, "IP address and TCP/UDP port")];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Layers.Where(l => l.Layer.ToString(System.Globalization.CultureInfo.InvariantCulture).StartsWith(wordToComplete, StringComparison.Ordinal))
            .Select(l => new CompletionResult(l.Layer.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{l.Layer}: {l.Nodes}", CompletionResultType.ParameterValue, l.Nodes));
}
