namespace PcapViz.Core.Rendering.Layout;

/// <summary>The Graphviz layout program asked for (sfdp, dot, neato or fdp) is not installed or not on PATH.</summary>
public sealed class GraphvizNotFoundException : Exception
{
    public GraphvizNotFoundException(string program)
        : base($"Graphviz is not installed: '{program}' was not found on PATH. Install Graphviz (Debian/Ubuntu: apt-get install graphviz; "
            + "Windows: winget install Graphviz.Graphviz; macOS: brew install graphviz) and make sure its bin folder is on PATH. "
            + "PcapViz's own layout needs nothing installed.")
    {
        Program = program;
    }

    public GraphvizNotFoundException()
        : this("sfdp")
    {
    }

    public GraphvizNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        Program = "sfdp";
    }

    /// <summary>The program that was looked for.</summary>
    public string Program { get; }
}

/// <summary>Graphviz ran but failed (a non-zero exit or output we could not read).</summary>
public sealed class GraphvizException : Exception
{
    public GraphvizException(string message)
        : base(message)
    {
    }

    public GraphvizException()
    {
    }

    public GraphvizException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
