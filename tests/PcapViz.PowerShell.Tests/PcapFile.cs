namespace PcapViz.PowerShell.Tests;

/// <summary>Writes small classic pcap files (little-endian, microseconds) for tests that need a capture of their own.</summary>
internal static class PcapFile
{
    /// <param name="frames">One record per frame, a second apart; <paramref name="originalLength"/> overrides the wire length.</param>
    public static void Write(string path, uint linkType, IEnumerable<byte[]> frames, uint? originalLength = null)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(0xA1B2C3D4u);
        writer.Write((ushort)2);
        writer.Write((ushort)4);
        writer.Write(0);
        writer.Write(0u);
        writer.Write(65535u);
        writer.Write(linkType);
        uint second = 1_700_000_000;
        foreach (var frame in frames)
        {
            writer.Write(second++);
            writer.Write(0u);
            writer.Write((uint)frame.Length);
            writer.Write(originalLength ?? (uint)frame.Length);
            writer.Write(frame);
        }
    }
}
