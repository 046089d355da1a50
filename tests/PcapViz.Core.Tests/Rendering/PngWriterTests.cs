using System.Globalization;
using System.Runtime.InteropServices;
using PcapViz.Core.Rendering;
using PcapViz.Core.Rendering.Writers;
using SkiaSharp;

namespace PcapViz.Core.Tests.Rendering;

public sealed class PngWriterTests
{
    internal static byte[] Write(GraphDrawing drawing, PngWriter? writer = null)
    {
        using var stream = new MemoryStream();
        (writer ?? new PngWriter()).Write(drawing, stream, CancellationToken.None);
        return stream.ToArray();
    }

    private static (int Width, int Height) SvgSize(GraphDrawing drawing)
    {
        var root = SvgWriterTests.Parse(SvgWriterTests.Write(drawing)).DocumentElement!;
        return ((int)double.Parse(root.GetAttribute("width"), CultureInfo.InvariantCulture), (int)double.Parse(root.GetAttribute("height"), CultureInfo.InvariantCulture));
    }

    private static int DarkPixels(SKBitmap bitmap, SKRectI area)
    {
        var count = 0;
        for (var y = Math.Max(area.Top, 0); y < Math.Min(area.Bottom, bitmap.Height); y++)
        {
            for (var x = Math.Max(area.Left, 0); x < Math.Min(area.Right, bitmap.Width); x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                if (pixel.Red + pixel.Green + pixel.Blue < 3 * 160)
                {
                    count++;
                }
            }
        }

        return count;
    }

    [Fact]
    public void Png_decodes_at_the_svg_page_size_on_white_and_is_not_blank()
    {
        var drawing = SvgPngHtmlSamples.Small();
        using var bitmap = SKBitmap.Decode(Write(drawing));

        Assert.NotNull(bitmap);
        Assert.Equal(SvgSize(drawing), (bitmap.Width, bitmap.Height));
        Assert.Equal(SKColors.White, bitmap.GetPixel(0, 0));
        Assert.Equal(SKColors.White, bitmap.GetPixel(bitmap.Width - 1, bitmap.Height - 1));
        var coloured = 0;
        for (var y = 0; y < bitmap.Height; y += 2)
        {
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                if (bitmap.GetPixel(x, y) != SKColors.White)
                {
                    coloured++;
                }
            }
        }

        Assert.True(coloured > 500, $"only {coloured} sampled pixels are not white");
    }

    [Fact]
    public void Png_draws_text_with_the_embedded_font()
    {
        // The Linux native library has no font manager: without the embedded font, text would silently be missing.
        using var bitmap = SKBitmap.Decode(Write(SvgPngHtmlSamples.Small()));

        var titleBand = new SKRectI(24, 24, 260, 44);
        Assert.True(DarkPixels(bitmap, titleBand) > 150, "the title was not drawn");
        var attributionBand = new SKRectI(24, bitmap.Height - 36, 300, bitmap.Height - 20);
        Assert.True(DarkPixels(bitmap, attributionBand) > 40, "the attribution was not drawn");
    }

    [Fact]
    public void Png_is_identical_for_the_same_drawing()
    {
        Assert.Equal(Write(SvgPngHtmlSamples.Small()), Write(SvgPngHtmlSamples.Small()));
    }

    [Fact]
    public void Png_scales_down_so_the_longest_side_fits_MaxSide()
    {
        var drawing = SvgPngHtmlSamples.Grid(400, spacing: 100);
        var (svgWidth, svgHeight) = SvgSize(drawing);
        using var bitmap = SKBitmap.Decode(Write(drawing, new PngWriter { MaxSide = 1000 }));

        Assert.Equal(1000, Math.Max(bitmap.Width, bitmap.Height));
        Assert.InRange((double)bitmap.Width / bitmap.Height, ((double)svgWidth / svgHeight) - 0.02, ((double)svgWidth / svgHeight) + 0.02);
    }

    [Fact]
    public void Png_scale_enlarges_small_graphs()
    {
        var drawing = SvgPngHtmlSamples.Small();
        var (svgWidth, svgHeight) = SvgSize(drawing);
        using var bitmap = SKBitmap.Decode(Write(drawing, new PngWriter { Scale = 2 }));

        Assert.Equal((2 * svgWidth, 2 * svgHeight), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Png_draws_hostile_labels_without_failing()
    {
        using var bitmap = SKBitmap.Decode(Write(SvgPngHtmlSamples.Hostile()));
        Assert.NotNull(bitmap);
        Assert.True(bitmap.Width > 100 && bitmap.Height > 100);
    }

    [Fact]
    public void Png_stops_when_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new PngWriter().Write(SvgPngHtmlSamples.Grid(2000), Stream.Null, cancelled.Token));
    }

    [Theory]
    [InlineData("Windows", "X64", false, "runtimes/win-x64/native/libSkiaSharp.dll")]
    [InlineData("Windows", "Arm64", false, "runtimes/win-arm64/native/libSkiaSharp.dll")]
    [InlineData("OSX", "Arm64", false, "runtimes/osx/native/libSkiaSharp.dylib")]
    [InlineData("Linux", "X64", false, "runtimes/linux-x64/native/libSkiaSharp.so")]
    [InlineData("Linux", "Arm64", false, "runtimes/linux-arm64/native/libSkiaSharp.so")]
    [InlineData("Linux", "X64", true, "runtimes/linux-musl-x64/native/libSkiaSharp.so")]
    public void PngNativeLibrary_looks_in_the_module_runtimes_folder_for_each_platform(string os, string architecture, bool musl, string expected)
    {
        var platform = OSPlatform.Create(os.ToUpperInvariant());
        var paths = PngNativeLibrary.CandidatePaths(["/modules/PcapViz"], platform, Enum.Parse<Architecture>(architecture), musl);

        Assert.Contains(Path.Combine("/modules/PcapViz", expected), paths.Select(p => p.Replace('\\', '/')));
        Assert.Contains(Path.Combine("/modules/PcapViz", Path.GetFileName(expected)), paths.Select(p => p.Replace('\\', '/')));
    }

    [Fact]
    public void PngNativeLibrary_finds_libSkiaSharp_beside_the_engine_for_this_process()
    {
        var found = PngNativeLibrary.CandidatePathsForThisProcess().FirstOrDefault(File.Exists);

        Assert.NotNull(found);
        Assert.Contains(Path.DirectorySeparatorChar + "runtimes" + Path.DirectorySeparatorChar, found, StringComparison.Ordinal);
    }
}
