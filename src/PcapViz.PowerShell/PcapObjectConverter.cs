using System.Globalization;
using System.Management.Automation;

namespace PcapViz.PowerShell;

/// <summary>
/// Turns PcapViz objects that came back through Export-Clixml/Import-Clixml or remoting (property bags typed
/// "Deserialized.PcapViz.X") into live objects again, so they feed Get-PcapTopology and Get-FrequentHost with the same
/// result. PcapViz.Types.ps1xml names this converter and the target types.
/// </summary>
public sealed class PcapObjectConverter : PSTypeConverter
{
    private const string DeserializedPrefix = "Deserialized.";
    /// <summary>The hidden member PcapViz.Types.ps1xml gives captures: serialized with them, not shown by Select-Object *.</summary>
    private const string SnapshotProperty = "Snapshot";

    /// <summary>Getter of the hidden Snapshot code property (PcapViz.Types.ps1xml).</summary>
    public static byte[] SnapshotOf(PSObject capture) => ((PcapCapture)capture.BaseObject).ToSnapshot();

    /// <summary>Getter of the PSPath code property (PcapViz.Types.ps1xml): the capture's file, provider-qualified.</summary>
    public static string PSPathOf(PSObject capture) => FileSystemProviderPrefix + ((PcapCapture)capture.BaseObject).FullName;

    private const string FileSystemProviderPrefix = @"Microsoft.PowerShell.Core\FileSystem::";

    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        sourceValue is PSObject bag && bag.TypeNames.Contains(DeserializedPrefix + destinationType.FullName);

    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
    {
        var bag = (PSObject)sourceValue;
        try
        {
            if (destinationType == typeof(PcapCapture))
                return PcapCapture.FromSnapshot(Get<byte[]>(bag, SnapshotProperty));
            if (destinationType == typeof(PcapFlow))
                return ToFlow(bag);
            if (destinationType == typeof(PcapTopology))
                return ToTopology(bag);
            if (destinationType == typeof(PcapFinding))
                return ToFinding(bag);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidCastException or PSInvalidCastException or ArgumentException)
        {
            throw new PSInvalidCastException($"The deserialized {destinationType.Name} cannot be restored: {e.Message}", e);
        }
        throw new PSInvalidCastException($"PcapObjectConverter cannot make a {destinationType.FullName}.");
    }

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new NotSupportedException();

    private static object? Value(PSObject bag, string name) => bag.Properties[name]?.Value switch
    {
        PSObject { BaseObject: not PSCustomObject } wrapped => wrapped.BaseObject,
        var value => value,
    };

    private static T Get<T>(PSObject bag, string name) =>
        Value(bag, name) is { } value ? LanguagePrimitives.ConvertTo<T>(value) : throw new InvalidDataException($"it has no {name}");

    private static T? Optional<T>(PSObject bag, string name) where T : struct =>
        Value(bag, name) is { } value ? LanguagePrimitives.ConvertTo<T>(value) : null;

    private static string? Text(PSObject bag, string name) => Value(bag, name)?.ToString();

    private static TextList Texts(PSObject bag, string name) => Value(bag, name) switch
    {
        null => TextList.Empty,
        System.Collections.IEnumerable items and not string => new TextList(items.Cast<object?>().Select(i => i?.ToString() ?? "").ToArray()),
        var single => new TextList([single.ToString() ?? ""]),
    };

    /// <summary>DateTimeOffset has no CliXml form of its own: it comes back as a bag whose UtcTicks we trust.</summary>
    private static DateTimeOffset Time(PSObject bag, string name) => bag.Properties[name]?.Value switch
    {
        DateTimeOffset value => value,
        PSObject { BaseObject: DateTimeOffset value } => value,
        PSObject time when time.Properties["UtcTicks"]?.Value is { } ticks => new DateTimeOffset(LanguagePrimitives.ConvertTo<long>(ticks), TimeSpan.Zero),
        _ => throw new InvalidDataException($"it has no {name}"),
    };

    private static PcapFlow ToFlow(PSObject bag) => new()
    {
        Protocol = Get<string>(bag, nameof(PcapFlow.Protocol)),
        SourceAddress = Text(bag, nameof(PcapFlow.SourceAddress)),
        DestinationAddress = Text(bag, nameof(PcapFlow.DestinationAddress)),
        SourcePort = Optional<int>(bag, nameof(PcapFlow.SourcePort)),
        DestinationPort = Optional<int>(bag, nameof(PcapFlow.DestinationPort)),
        SourceMac = Text(bag, nameof(PcapFlow.SourceMac)),
        DestinationMac = Text(bag, nameof(PcapFlow.DestinationMac)),
        Vlan = Optional<int>(bag, nameof(PcapFlow.Vlan)),
        SentPackets = Get<long>(bag, nameof(PcapFlow.SentPackets)),
        SentBytes = Get<long>(bag, nameof(PcapFlow.SentBytes)),
        ReceivedPackets = Get<long>(bag, nameof(PcapFlow.ReceivedPackets)),
        ReceivedBytes = Get<long>(bag, nameof(PcapFlow.ReceivedBytes)),
        SentPayloadBytes = Get<long>(bag, nameof(PcapFlow.SentPayloadBytes)),
        ReceivedPayloadBytes = Get<long>(bag, nameof(PcapFlow.ReceivedPayloadBytes)),
        FirstSeen = Time(bag, nameof(PcapFlow.FirstSeen)),
        LastSeen = Time(bag, nameof(PcapFlow.LastSeen)),
        TcpFlags = Text(bag, nameof(PcapFlow.TcpFlags)),
        Application = Text(bag, nameof(PcapFlow.Application)),
        ApplicationSource = Text(bag, nameof(PcapFlow.ApplicationSource)),
        Capture = Get<string>(bag, nameof(PcapFlow.Capture)),
        IpProtocol = Optional<int>(bag, nameof(PcapFlow.IpProtocol)),
        EtherType = Get<int>(bag, nameof(PcapFlow.EtherType)),
        Tunnel = Text(bag, nameof(PcapFlow.Tunnel)),
        TunnelSource = Text(bag, nameof(PcapFlow.TunnelSource)),
        TunnelDestination = Text(bag, nameof(PcapFlow.TunnelDestination)),
        TunnelId = Optional<long>(bag, nameof(PcapFlow.TunnelId)),
    };

    /// <summary>
    /// Every settable property of a finding, by reflection: a finding has some forty, most nullable numbers, and a new
    /// one comes back from CliXml without an edit here.
    /// </summary>
    private static PcapFinding ToFinding(PSObject bag)
    {
        var finding = new PcapFinding { Kind = Get<string>(bag, nameof(PcapFinding.Kind)), Source = Get<string>(bag, nameof(PcapFinding.Source)), Reason = Text(bag, nameof(PcapFinding.Reason)) ?? "" };
        foreach (var property in typeof(PcapFinding).GetProperties())
        {
            if (property.SetMethod is null || bag.Properties[property.Name] is null)
                continue;
            object? value;
            if (property.PropertyType == typeof(TextList))
                value = Texts(bag, property.Name);
            else if (property.PropertyType == typeof(DateTimeOffset?))
                value = Value(bag, property.Name) is null ? null : Time(bag, property.Name);
            else if (Value(bag, property.Name) is { } raw)
                value = LanguagePrimitives.ConvertTo(raw, Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType, System.Globalization.CultureInfo.InvariantCulture);
            else
                value = null;
            property.SetValue(finding, value);
        }
        return finding;
    }

    private static IEnumerable<PSObject> Items(PSObject bag, string name) => Value(bag, name) switch
    {
        System.Collections.IEnumerable items => items.Cast<object>().Select(PSObject.AsPSObject),
        _ => throw new InvalidDataException($"it has no {name}"),
    };

    private static PcapTopology ToTopology(PSObject bag) => new()
    {
        Layer = Get<int>(bag, nameof(PcapTopology.Layer)),
        Captures = Texts(bag, nameof(PcapTopology.Captures)),
        Packets = Get<long>(bag, nameof(PcapTopology.Packets)),
        Bytes = Get<long>(bag, nameof(PcapTopology.Bytes)),
        Attributions = Texts(bag, nameof(PcapTopology.Attributions)),
        Nodes = Items(bag, nameof(PcapTopology.Nodes)).Select(node => new PcapNode
        {
            Id = Get<string>(node, nameof(PcapNode.Id)),
            Address = Get<string>(node, nameof(PcapNode.Address)),
            Port = Optional<int>(node, nameof(PcapNode.Port)),
            Mac = Texts(node, nameof(PcapNode.Mac)),
            IsInternal = Get<bool>(node, nameof(PcapNode.IsInternal)),
            Country = Text(node, nameof(PcapNode.Country)),
            CountryName = Text(node, nameof(PcapNode.CountryName)),
            City = Text(node, nameof(PcapNode.City)),
            Asn = Optional<long>(node, nameof(PcapNode.Asn)),
            AsOrganization = Text(node, nameof(PcapNode.AsOrganization)),
            HostNames = Texts(node, nameof(PcapNode.HostNames)),
            InDegree = Get<int>(node, nameof(PcapNode.InDegree)),
            OutDegree = Get<int>(node, nameof(PcapNode.OutDegree)),
            PacketsSent = Get<long>(node, nameof(PcapNode.PacketsSent)),
            PacketsReceived = Get<long>(node, nameof(PcapNode.PacketsReceived)),
            BytesSent = Get<long>(node, nameof(PcapNode.BytesSent)),
            BytesReceived = Get<long>(node, nameof(PcapNode.BytesReceived)),
        }).ToArray(),
        Edges = Items(bag, nameof(PcapTopology.Edges)).Select(edge => new PcapEdge
        {
            Source = Get<string>(edge, nameof(PcapEdge.Source)),
            Destination = Get<string>(edge, nameof(PcapEdge.Destination)),
            Packets = Get<long>(edge, nameof(PcapEdge.Packets)),
            Bytes = Get<long>(edge, nameof(PcapEdge.Bytes)),
            FirstSeen = Time(edge, nameof(PcapEdge.FirstSeen)),
            LastSeen = Time(edge, nameof(PcapEdge.LastSeen)),
            Protocols = Texts(edge, nameof(PcapEdge.Protocols)),
        }).ToArray(),
    };
}
