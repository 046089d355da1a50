using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace PcapViz.Core.Flows;

/// <summary>
/// A hash table for millions of struct entries: an open-addressing index over entries stored in fixed-size chunks.
/// Growing rehashes only the index; entries never move (refs to them stay valid). Chunks hold no references and live
/// on the pinned-object heap, so the garbage collector neither scans nor copies them from generation to generation:
/// tables of millions of flows or edges cost no burst of copying and no doubled peak.
/// </summary>
internal sealed class ChunkedHashTable<TKey, TValue>
    where TKey : unmanaged, IEquatable<TKey>
    where TValue : unmanaged
{
    /// <summary>A key beside its value, so a lookup and its update touch one place in memory.</summary>
    private struct Entry
    {
        public TKey Key;
        public TValue Value;
    }

    private readonly int _chunkBits;
    private readonly int _chunkMask;
    private Entry[][] _chunks = [];
    /// <summary>
    /// Per slot: the key's hash in the high half, entry index + 1 in the low half (0: empty). At most three quarters
    /// full: eight slots share a cache line and the hash tags spare most entry reads, so probing stays cheap, and the
    /// index costs 11 to 21 bytes per entry instead of 16 to 32.
    /// </summary>
    private ulong[] _slots;
    private int _slotShift;
    private int _count;

    public ChunkedHashTable(int capacity)
    {
        // About half a megabyte per chunk: few allocations, little unused space in the last one.
        _chunkBits = BitOperations.Log2((uint)(512 * 1024 / Math.Max(1, Unsafe.SizeOf<Entry>())));
        _chunkMask = (1 << _chunkBits) - 1;
        int bits = Math.Max(4, BitOperations.Log2((uint)Math.Max(1, capacity - 1)) + 2);
        _slots = PrefaultedArray.Allocate<ulong>(1 << bits);
        _slotShift = 32 - bits;
    }

    public int Count => _count;

    /// <summary>Entry <paramref name="index"/> (0 to Count - 1), in insertion order.</summary>
    public ref TKey KeyAt(int index) => ref _chunks[index >> _chunkBits][index & _chunkMask].Key;

    public ref TValue ValueAt(int index) => ref _chunks[index >> _chunkBits][index & _chunkMask].Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SlotOf(int hash) => (int)(((uint)hash * 0x9E3779B9u) >> _slotShift);

    /// <summary>The value of <paramref name="key"/>, added as default when the key is new.</summary>
    public ref TValue GetOrAdd(in TKey key, out bool added) => ref GetOrAdd(key, key.GetHashCode(), out added);

    /// <summary>As <see cref="GetOrAdd(in TKey, out bool)"/>, with the key's hash code computed beforehand (on another thread, say).</summary>
    public ref TValue GetOrAdd(in TKey key, int hash, out bool added) => ref ValueAt(GetOrAddIndex(key, hash, out added));

    /// <summary>
    /// Asks the processor to start loading the index slot of <paramref name="hash"/>: a lookup a few keys later then
    /// finds it in cache. Lookups in a table of millions of entries are cache misses, and a loop that knows its next
    /// keys can overlap them instead of waiting for each in turn.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchSlot(int hash)
    {
        if (Sse.IsSupported)
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[SlotOf(hash)]));
    }

    /// <summary>
    /// Asks the processor to start loading the entry that the slot of <paramref name="hash"/> points at, if any: the
    /// second step after <see cref="PrefetchSlot"/>, once the slot itself has had time to arrive.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchEntry(int hash)
    {
        if (!Sse.IsSupported)
            return;
        ulong occupant = _slots[SlotOf(hash)];
        if (occupant == 0)
            return;
        int index = (int)(uint)occupant - 1;
        Sse.Prefetch0(Unsafe.AsPointer(ref _chunks[index >> _chunkBits][index & _chunkMask]));
    }

    /// <summary>The index of <paramref name="key"/>'s entry, added with a default value when the key is new.</summary>
    public int GetOrAddIndex(in TKey key, int hash, out bool added)
    {
        int index = Find(key, hash, out int freeSlot);
        added = index < 0;
        return added ? Add(key, hash, freeSlot) : index;
    }

    /// <summary>The index of <paramref name="key"/>'s entry, or -1.</summary>
    public int IndexOf(in TKey key) => Find(key, key.GetHashCode(), out _);

    /// <summary>The index of the key's entry, or -1 with the empty slot where its probe ended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(in TKey key, int hash, out int freeSlot)
    {
        ulong tag = (ulong)(uint)hash << 32;
        int mask = _slots.Length - 1;
        int slot = SlotOf(hash);
        while (true)
        {
            ulong occupant = _slots[slot];
            if (occupant == 0)
                break;
            if ((occupant & 0xFFFF_FFFF_0000_0000UL) == tag)
            {
                int index = (int)(uint)occupant - 1;
                if (_chunks[index >> _chunkBits][index & _chunkMask].Key.Equals(key))
                {
                    freeSlot = -1;
                    return index;
                }
            }
            slot = (slot + 1) & mask;
        }
        freeSlot = slot;
        return -1;
    }

    private int Add(in TKey key, int hash, int slot)
    {
        if ((long)(_count + 1) * 4 > (long)_slots.Length * 3)
        {
            Grow();
            slot = FreeSlot(hash);
        }
        int index = _count;
        int chunk = index >> _chunkBits;
        if (chunk == _chunks.Length)
        {
            Array.Resize(ref _chunks, chunk + 1);
            // The first chunk may stay nearly empty (a capture of a few flows); later ones are sure to fill.
            _chunks[chunk] = chunk == 0 ? GC.AllocateArray<Entry>(1 << _chunkBits, pinned: true) : PrefaultedArray.Allocate<Entry>(1 << _chunkBits);
        }
        _chunks[chunk][index & _chunkMask].Key = key;
        _slots[slot] = ((ulong)(uint)hash << 32) | (uint)(index + 1);
        _count++;
        return index;
    }

    private int FreeSlot(int hash)
    {
        int mask = _slots.Length - 1;
        int slot = SlotOf(hash);
        while (_slots[slot] != 0)
            slot = (slot + 1) & mask;
        return slot;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = PrefaultedArray.Allocate<ulong>(old.Length * 2);
        _slotShift--;
        foreach (var occupant in old)
        {
            if (occupant != 0)
                _slots[FreeSlot((int)(occupant >> 32))] = occupant;
        }
    }
}
