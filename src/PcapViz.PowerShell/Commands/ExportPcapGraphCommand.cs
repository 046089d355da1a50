using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using PcapViz.Core;
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
    private string _path = "";
    private string _target = "";
    private GraphFormat _format;

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

    protected override void BeginProcessing()
    {
        // Resolved before any input is read, as Export-Csv and Out-File do: a path that cannot be written to stops the
        // command before the captures are read.
        _path = ParameterSetName == LiteralPathSet ? LiteralPath : Path;
        _target = ResolveTarget(_path);
        var format = Format ?? GraphFiles.FormatOf(_target);
        if (format is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"Cannot tell the format of '{InertText.Of(_target)}' from its extension; use -Format ({string.Join(", ", Enum.GetNames<GraphFormat>())})."),
                ErrorIds.UnknownGraphFormat, ErrorCategory.InvalidArgument, _target));
        }
        _format = format!.Value;
    }

    /// <summary>
    /// The file-system path <paramref name="path"/> names, relative to the PowerShell location (never the process's
    /// working folder, which PowerShell does not move); a path on any other provider is an error, as with Export-Csv.
    /// </summary>
    private string ResolveTarget(string path)
    {
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or PSArgumentException
            or NotSupportedException or PSInvalidOperationException)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, path));
            throw;
        }
        if (provider.Name != "FileSystem")
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"'{InertText.Of(path)}' is not a file-system path: it is on the {provider.Name} provider, and Export-PcapGraph writes only files."),
                ErrorIds.NotFileSystemPath, ErrorCategory.InvalidArgument, path));
        }
        return resolved;
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
        var topology = _topologies[0];
        var shown = InertText.Of(_target);
        if (NoClobber && (File.Exists(_target) || new FileInfo(_target).LinkTarget is not null))
        {
            WriteError(ToErrorRecord(new GraphFiles.TargetExistsException(_target)));
            return;
        }
        string action = $"Write layer {topology.Layer} graph ({topology.Nodes.Length} nodes, {topology.Edges.Length} edges) as {_format}";
        if (!ShouldProcess(shown, action))
            return;
        string contentTarget;
        try
        {
            // What would stop the write is found before the layout, which can take minutes.
            contentTarget = GraphFiles.Check(_target, Force, NoClobber);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ToErrorRecord(e));
            return;
        }
        if (contentTarget != _target)
            WriteVerbose($"'{shown}' is a symbolic link: writing through it to '{InertText.Of(contentTarget)}', and the link stays.");
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
        var engine = LayoutEngine == LayoutEngine.Graphviz ? $"Graphviz ({GraphvizLayout})" : $"the built-in {Layout} layout";
        WriteVerbose($"Laying out the layer {topology.Layer} topology ({topology.Nodes.Length} nodes, {topology.Edges.Length} edges) with {engine}.");
        var total = Stopwatch.StartNew();
        bool progressShown = false;
        void Progress(string status, int percent)
        {
            progressShown = true;
            WriteProgress(new ProgressRecord(ProgressId, "Export-PcapGraph", status) { PercentComplete = percent });
        }
        GraphFileWritten written;
        try
        {
            // Layout is the long part: it takes 0-90%, and writing the rest. The builder's own 100% is not shown:
            // the file is not written yet.
            var progress = new SynchronousProgress<DrawingProgress>(p =>
            {
                if (p.PercentComplete < 100)
                    Progress(p.Activity, Math.Clamp(p.PercentComplete * 9 / 10, 0, 90));
            });
            var drawing = GraphDrawingBuilder.Build(topology, options, progress, StopToken);
            var laidOut = total.Elapsed;
            WriteVerbose($"Drew {Count(drawing.Nodes.Count, "node")} and {Count(drawing.Edges.Count, "edge")}, laid out with {engine}, in {Units.Duration(laidOut)}.");
            if (drawing.FoldedNodes > 0)
                WriteWarning($"{drawing.FoldedNodes} of {topology.Nodes.Length} nodes were folded into groups to keep the picture readable; use -MaxNodes 0 to draw every node.");
            if (drawing.HiddenEdges > 0)
                WriteWarning($"{drawing.HiddenEdges} light edges were left out to keep the picture readable; use -MaxEdges 0 to draw every edge.");
            foreach (var reason in drawing.Findings.Where(f => f.NotDrawn is not null).GroupBy(f => f.NotDrawn))
            {
                var numbers = string.Join(", ", reason.Select(f => "#" + f.Number.ToString(CultureInfo.InvariantCulture)));
                WriteWarning(reason.Count() == 1
                    ? $"Finding {numbers} ({reason.First().Finding.Kind}, {InertText.Of(reason.First().Between)}) is not drawn: {reason.Key}. It is listed in the picture's findings panel."
                    : $"Findings {numbers} are not drawn: {reason.Key}. They are listed in the picture's findings panel.");
            }
            var name = InertText.Of(System.IO.Path.GetFileName(_target));
            // The first report comes once the temporary file exists: from then on a stop must remove it.
            var bytesSoFar = new SynchronousProgress<long>(bytes =>
                Progress(bytes == 0 ? $"Writing {name} ({_format})" : $"Writing {name} ({_format}): {Units.Bytes(bytes)}", 90));
            written = GraphFiles.Write(drawing, _format, _target, Force, NoClobber, bytesSoFar, StopToken);
            WriteVerbose($"Wrote {written.Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes of {_format} to '{InertText.Of(written.Target)}' in {Units.Duration(total.Elapsed - laidOut)} ({Units.Duration(total.Elapsed)} in all).");
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (GraphvizNotFoundException e)
        {
            CompleteProgress(progressShown);
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.GraphvizNotFound, ErrorCategory.ObjectNotFound, GraphvizLayout)
            {
                ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Install Graphviz, or use -LayoutEngine Default, which needs nothing installed." },
            });
            return;
        }
        catch (GraphvizException e)
        {
            CompleteProgress(progressShown);
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.GraphvizFailed, ErrorCategory.InvalidResult, GraphvizLayout));
            return;
        }
        catch (ArgumentException e)
        {
            CompleteProgress(progressShown);
            WriteError(new ErrorRecord(e, ErrorIds.InvalidTopology, ErrorCategory.InvalidData, topology));
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CompleteProgress(progressShown);
            WriteError(ToErrorRecord(e));
            return;
        }
        CompleteProgress(progressShown);
        if (PassThru)
            WriteObject(ItemOf(written));
    }

    private const int ProgressId = 1;

    /// <summary>The Completed record, last of all the progress this command writes, so the host's progress bar goes away.</summary>
    private void CompleteProgress(bool shown)
    {
        if (shown && !Stopping)
            WriteProgress(new ProgressRecord(ProgressId, "Export-PcapGraph", "Done") { RecordType = ProgressRecordType.Completed });
    }

    private static string Count(int count, string noun) =>
        count.ToString("N0", CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? "" : "s");

    /// <summary>
    /// The file as Get-Item gives it (with PSPath, PSParentPath, PSChildName, PSDrive, PSProvider), so it pipes into
    /// Remove-Item, Copy-Item and the rest; the path as given keeps its drive.
    /// </summary>
    private PSObject ItemOf(GraphFileWritten written)
    {
        foreach (var path in new[] { _path, "Microsoft.PowerShell.Core\\FileSystem::" + written.Path })
        {
            try
            {
                var items = InvokeProvider.Item.Get([path], force: true, literalPath: true);
                if (items.Count == 1 && items[0].BaseObject is FileInfo file && file.FullName == written.Path)
                    return items[0];
            }
            catch (Exception e) when (e is RuntimeException or IOException or UnauthorizedAccessException)
            {
                // The path as given could not be read back (it was written through a provider path PowerShell takes
                // differently): the provider-qualified path can.
            }
        }
        return PSObject.AsPSObject(new FileInfo(written.Path));
    }

    private ErrorRecord ToErrorRecord(Exception e)
    {
        var record = e switch
        {
            GraphFiles.TargetExistsException => new ErrorRecord(e, ErrorIds.FileExists, ErrorCategory.ResourceExists, _target),
            GraphFiles.TargetIsDirectoryException => new ErrorRecord(e, ErrorIds.PathIsDirectory, ErrorCategory.InvalidArgument, _target),
            UnauthorizedAccessException => new ErrorRecord(e, ErrorIds.GraphWriteError, ErrorCategory.PermissionDenied, _target),
            _ => new ErrorRecord(e, ErrorIds.GraphWriteError, ErrorCategory.WriteError, _target),
        };
        if (e is GraphFiles.TargetExistsException)
            record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Leave out -NoClobber to replace it, or choose another name." };
        if (e is GraphFiles.ReadOnlyTargetException)
            record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "Use -Force to overwrite a read-only file." };
        return record;
    }
}
