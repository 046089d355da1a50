using PcapViz.Core.Flows;

namespace PcapViz.Core.Tests;

public class PrefaultedArrayTests
{
    [Theory]
    [InlineData(1_000)]
    [InlineData(300_000)]
    [InlineData(4_000_000)]
    public void Arrays_come_zeroed_even_where_freed_arrays_left_their_bytes(int length)
    {
        for (int round = 0; round < 8; round++)
        {
            // Leave garbage where the next pinned array is likely to be placed.
            Array.Fill(GC.AllocateUninitializedArray<ulong>(length, pinned: true), ulong.MaxValue);
            GC.Collect();
            GC.WaitForPendingFinalizers();

            var array = PrefaultedArray.Allocate<ulong>(length);

            Assert.Equal(length, array.Length);
            Assert.False(array.AsSpan().ContainsAnyExcept(0UL), $"round {round}: the array holds old bytes");
        }
    }
}
