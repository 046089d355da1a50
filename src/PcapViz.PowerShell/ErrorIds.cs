namespace PcapViz.PowerShell;

/// <summary>Stable FullyQualifiedErrorId prefixes; scripts branch on these, so they never change.</summary>
internal static class ErrorIds
{
    public const string PathNotFound = "PathNotFound";
    public const string PathIsDirectory = "PathIsDirectory";
    public const string NotFileSystemPath = "NotFileSystemPath";
    public const string NotACapture = "NotACapture";
    public const string CaptureReadError = "CaptureReadError";
    public const string CaptureAccessDenied = "CaptureAccessDenied";
    public const string InvalidInputObject = "InvalidInputObject";
    public const string InvalidAddress = "InvalidAddress";
    public const string GeoDatabaseUnreadable = "GeoDatabaseUnreadable";
    public const string UnknownGraphFormat = "UnknownGraphFormat";
    public const string FileExists = "FileExists";
    public const string GraphvizNotFound = "GraphvizNotFound";
    public const string GraphvizFailed = "GraphvizFailed";
    public const string GraphWriteError = "GraphWriteError";
    public const string InvalidTopology = "InvalidTopology";
    public const string MultipleTopologies = "MultipleTopologies";
    public const string NoTopology = "NoTopology";
    public const string InvalidThreshold = "InvalidThreshold";
}
