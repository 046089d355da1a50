using System.Management.Automation;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Layout;

namespace PcapViz.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Draws a topology as SVG, PNG, PDF, DOT, GraphML, JSON or interactive HTML, with findings and key hosts marked.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "PcapGraph", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportPcapGraphCommand : StoppableCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly List<PcapTopology> _topologies = [];
    private readonly List<PcapFinding> _findings = [];

    /// <summary>The topology to draw, from Get-PcapTopology.</summary>
    [Parameter(ValueFromPipeline = true)]
    public PcapTopology? InputObject { get; set; }

    /// <summary>Findings to draw on the topology, from Find-PcapThreat: piped with the topology, or given here.</summary>
    [Parameter(ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public PcapFinding[]? Finding { get; set; }

    /// <summary>The file to write; its extension chooses the format unless -Format says otherwise.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The file to write, taken exactly as written.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    [Parameter]
    public GraphFormat? Format { get; set; }

    [Parameter]
    public EdgeLabelMode EdgeLabel { get; set; } = EdgeLabelMode.All;

    /// <summary>Above this many nodes the lightest fold into groups; 0 draws every node.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxNodes { get; set; } = 500;

    /// <summary>Above this many edges the lightest are left out (never a finding's); 0 draws every edge.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxEdges { get; set; } = 2000;

    /// <summary>Force (connected hosts together) or Responder (subnets in the middle, the outside world around them by country).</summary>
    [Parameter]
    public GraphLayout Layout { get; set; } = GraphLayout.Force;

    /// <summary>What node size shows: Traffic, or a key-host centrality (Degree, Betweenness, PageRank, CoreNumber).</summary>
    [Parameter]
    public NodeSizeMeasure SizeBy { get; set; } = NodeSizeMeasure.Traffic;

    /// <summary>Mark the top N hosts by -SizeBy with their rank (a double ring) and keep them out of folding.</summary>
    [Parameter]
    [ValidateRange(0, 10_000)]
    public int MarkKeyHosts { get; set; }

    [Parameter]
    public LayoutEngine LayoutEngine { get; set; } = LayoutEngine.Default;

    [Parameter]
    [ValidateSet("sfdp", "dot", "neato", "fdp")]
    public string GraphvizLayout { get; set; } = "sfdp";

    [Parameter]
    public string? Title { get; set; }

    /// <summary>Overwrite a read-only file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Refuse to overwrite an existing file.</summary>
    [Parameter]
    [Alias("NoOverwrite")]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Return the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (Finding is not null)
        {
            _findings.AddRange(Finding.Where(f => f is not null));
            // Taken once: a -Finding argument stays bound for every pipeline object; piped findings are bound anew.
            Finding = null;
        }
        if (InputObject is null)
            return;
        if (_topologies.Count == 0)
        {
            _topologies.Add(InputObject);
            InputObject = null;
            return;
        }
        WriteError(new ErrorRecord(
            new ArgumentException("Export-PcapGraph draws one topology per file; pipe every capture into one Get-PcapTopology to draw them together."),
            ErrorIds.MultipleTopologies, ErrorCategory.InvalidArgument, InputObject));
        InputObject = null;
    }

    protected override void EndProcessing()
    {
        if (_topologies.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Export-PcapGraph was given no topology to draw; pipe one from Get-PcapTopology (findings alone are not a picture)."),
                ErrorIds.NoTopology, ErrorCategory.InvalidArgument, _findings.Count > 0 ? _findings[0] : null));
            return;
        }
        var target = GetUnresolvedProviderPathFromPSPath(ParameterSetName == LiteralPathSet ? LiteralPath : Path);
        var format = Format ?? GraphFiles.FormatOf(target);
        if (format is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"Cannot tell the format of '{target}' from its extension; use -Format ({string.Join(", ", Enum.GetNames<GraphFormat>())})."),
                ErrorIds.UnknownGraphFormat, ErrorCategory.InvalidArgument, target));
            return;
        }
        var topology = _topologies[0];
        if (File.Exists(target) && NoClobber)
        {
            WriteError(new ErrorRecord(new IOException($"'{target}' already exists and -NoClobber was given."), ErrorIds.FileExists, ErrorCategory.ResourceExists, target));
            return;
        }
        string action = $"Write layer {topology.Layer} graph ({topology.Nodes.Length} nodes, {topology.Edges.Length} edges) as {format}";
        if (!ShouldProcess(target, action))
            return;
        var options = new DrawingOptions
        {
            EdgeLabel = EdgeLabel,
            MaxNodes = MaxNodes,
            LayoutEngine = LayoutEngine,
            GraphvizLayout = GraphvizLayout,
            Title = Title,
            Attributions = topology.Attributions.Count > 0 ? topology.Attributions : null,
            MaxEdges = MaxEdges,
            Layout = Layout,
            Findings = _findings.Distinct().ToArray(),
            SizeBy = SizeBy,
            MarkKeyHosts = MarkKeyHosts,
        };
        try
        {
            // Layout is the long part: it takes 0-90%, and writing the rest.
            var progress = new SynchronousProgress<DrawingProgress>(p =>
                WriteProgress(new ProgressRecord(1, "Export-PcapGraph", p.Activity) { PercentComplete = Math.Clamp(p.PercentComplete * 9 / 10, 0, 90) }));
            var drawing = GraphDrawingBuilder.Build(topology, options, progress, StopToken);
            if (drawing.FoldedNodes > 0)
                WriteWarning($"{drawing.FoldedNodes} of {topology.Nodes.Length} nodes were folded into groups to keep the picture readable; use -MaxNodes 0 to draw every node.");
            if (drawing.HiddenEdges > 0)
                WriteWarning($"{drawing.HiddenEdges} light edges were left out to keep the picture readable; use -MaxEdges 0 to draw every edge.");
            foreach (var reason in drawing.Findings.Where(f => f.NotDrawn is not null).GroupBy(f => f.NotDrawn))
            {
                var numbers = string.Join(", ", reason.Select(f => "#" + f.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                WriteWarning(reason.Count() == 1
                    ? $"Finding {numbers} ({reason.First().Finding.Kind}, {Core.InertText.Of(reason.First().Between)}) is not drawn: {reason.Key}. It is listed in the picture's findings panel."
                    : $"Findings {numbers} are not drawn: {reason.Key}. They are listed in the picture's findings panel.");
            }
            WriteProgress(new ProgressRecord(1, "Export-PcapGraph", $"Writing {System.IO.Path.GetFileName(target)}") { PercentComplete = 90 });
            GraphFiles.Write(drawing, format.Value, target, Force, StopToken);
            WriteProgress(new ProgressRecord(1, "Export-PcapGraph", "Done") { RecordType = ProgressRecordType.Completed });
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (GraphvizNotFoundException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.GraphvizNotFound, ErrorCategory.ObjectNotFound, GraphvizLayout)
            {
                ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Install Graphviz, or use -LayoutEngine Default, which needs nothing installed." },
            });
        }
        catch (GraphvizException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.GraphvizFailed, ErrorCategory.InvalidResult, GraphvizLayout));
        }
        catch (ArgumentException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.InvalidTopology, ErrorCategory.InvalidData, topology));
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var record = new ErrorRecord(e, ErrorIds.GraphWriteError, e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError, target);
            if (e is GraphFiles.ReadOnlyTargetException)
                record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Use -Force to overwrite a read-only file." };
            WriteError(record);
            return;
        }
        if (PassThru)
            WriteObject(new FileInfo(target));
    }

}
