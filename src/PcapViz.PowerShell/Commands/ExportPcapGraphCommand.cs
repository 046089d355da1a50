using System.Management.Automation;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Layout;

namespace PcapViz.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Draws a topology as SVG, PNG, DOT, GraphML, JSON or interactive HTML.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "PcapGraph", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportPcapGraphCommand : PSCmdlet, IDisposable
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<PcapTopology> _topologies = [];

    /// <summary>The topology to draw, from Get-PcapTopology.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PcapTopology InputObject { get; set; } = null!;

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
        if (_topologies.Count == 0)
        {
            _topologies.Add(InputObject);
            return;
        }
        WriteError(new ErrorRecord(
            new ArgumentException("Export-PcapGraph draws one topology per file; pipe every capture into one Get-PcapTopology to draw them together."),
            ErrorIds.MultipleTopologies, ErrorCategory.InvalidArgument, InputObject));
    }

    protected override void EndProcessing()
    {
        if (_topologies.Count == 0)
            return;
        var target = GetUnresolvedProviderPathFromPSPath(ParameterSetName == LiteralPathSet ? LiteralPath : Path);
        var format = Format ?? GraphFiles.FormatOf(target);
        if (format is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"Cannot tell the format of '{target}' from its extension; use -Format (Svg, Png, Dot, GraphMl, Json or Html)."),
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
            Attributions = topology.Attributions.Length > 0 ? topology.Attributions : null,
        };
        try
        {
            WriteProgress(new ProgressRecord(1, "Export-PcapGraph", $"Laying out {topology.Nodes.Length} nodes"));
            var drawing = GraphDrawingBuilder.Build(topology, options, _stopping.Token);
            if (drawing.FoldedNodes > 0)
                WriteWarning($"{drawing.FoldedNodes} of {topology.Nodes.Length} nodes were folded into groups to keep the picture readable; use -MaxNodes 0 to draw every node.");
            WriteProgress(new ProgressRecord(1, "Export-PcapGraph", $"Writing {System.IO.Path.GetFileName(target)}"));
            GraphFiles.Write(drawing, format.Value, target, Force, _stopping.Token);
            WriteProgress(new ProgressRecord(1, "Export-PcapGraph", "Done") { RecordType = ProgressRecordType.Completed });
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (GraphvizNotFoundException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.GraphvizNotFound, ErrorCategory.ObjectNotFound, GraphvizLayout));
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
            WriteError(new ErrorRecord(e, ErrorIds.GraphWriteError, e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError, target));
            return;
        }
        if (PassThru)
            WriteObject(new FileInfo(target));
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
