using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PcapViz.Core.Flows;

/// <summary>
/// Large pinned arrays whose pages the kernel maps in one call instead of one fault per 4 KiB page on first write.
/// On virtual machines where memory is handed back to the host when free (free page reporting, ballooning), each first
/// touch of a page is a trip to the hypervisor: a table of a million flows then spends more time faulting its pages
/// in than counting packets. Only for arrays about to be filled: every page of them becomes resident at once.
/// </summary>
internal static class PrefaultedArray
{
    private const int MadvPopulateWrite = 23;
    private const int PageSize = 4096;
    /// <summary>Below this the faults cost less than the system call.</summary>
    private const int MinimumBytes = 64 * 1024;
    /// <summary>Off the platform, or once the kernel refused (before Linux 5.14): plain zeroed arrays from then on.</summary>
    private static bool s_unsupported = !OperatingSystem.IsLinux();

    /// <summary>A zeroed array on the pinned-object heap, its pages already mapped where the platform allows it.</summary>
    public static T[] Allocate<T>(int length) where T : unmanaged
    {
        if (s_unsupported || (long)length * Unsafe.SizeOf<T>() < MinimumBytes)
            return GC.AllocateArray<T>(length, pinned: true);
        // Uninitialized, so the garbage collector does not touch every page first; cleared once the pages are mapped.
        var array = GC.AllocateUninitializedArray<T>(length, pinned: true);
        Populate(array);
        Array.Clear(array);
        return array;
    }

    private static void Populate<T>(T[] array) where T : unmanaged
    {
        long start = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        long first = (start + PageSize - 1) & ~(long)(PageSize - 1);
        long end = (start + (long)array.Length * Unsafe.SizeOf<T>()) & ~(long)(PageSize - 1);
        if (end <= first)
            return;
        try
        {
            if (madvise((nint)first, (nuint)(end - first), MadvPopulateWrite) != 0)
                s_unsupported = true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unsupported = true;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(nint address, nuint length, int advice);
}
