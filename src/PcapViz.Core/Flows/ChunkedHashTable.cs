using System.Numerics;
using System.Runtime.CompilerServices;

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
    /// <summary>Per slot: the key's hash in the high half, entry index + 1 in the low half (0: empty). At most half full.</summary>
    private ulong[] _slots;
    private int _slotShift;
    private int _count;

    public ChunkedHashTable(int capacity)
    {
        // About half a megabyte per chunk: few allocations, little unused space in the last one.
        _chunkBits = BitOperations.Log2((uint)(512 * 1024 / Math.Max(1, Unsafe.SizeOf<Entry>())));
        _chunkMask = (1 << _chunkBits) - 1;
        int bits = Math.Max(4, BitOperations.Log2((uint)Math.Max(1, capacity - 1)) + 2);
        _slots = new ulong[1 << bits];
        _slotShift = 32 - bits;
    }

    public int Count => _count;

    /// <summary>Entry <paramref name="index"/> (0 to Count - 1), in insertion order.</summary>
    public ref TKey KeyAt(int index) => ref _chunks[index >> _chunkBits][index & _chunkMask].Key;

    public ref TValue ValueAt(int index) => ref _chunks[index >> _chunkBits][index & _chunkMask].Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SlotOf(int hash) => (int)(((uint)hash * 0x9E3779B9u) >> _slotShift);

    /// <summary>The value of <paramref name="key"/>, added as default when the key is new.</summary>
    public ref TValue GetOrAdd(in TKey key, out bool added)
    {
        int hash = key.GetHashCode();
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
                ref var entry = ref _chunks[index >> _chunkBits][index & _chunkMask];
                if (entry.Key.Equals(key))
                {
                    added = false;
                    return ref entry.Value;
                }
            }
            slot = (slot + 1) & mask;
        }
        added = true;
        return ref Add(key, hash, slot);
    }

    private ref TValue Add(in TKey key, int hash, int slot)
    {
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow();
            slot = FreeSlot(hash);
        }
        int index = _count;
        int chunk = index >> _chunkBits;
        if (chunk == _chunks.Length)
        {
            Array.Resize(ref _chunks, chunk + 1);
            _chunks[chunk] = GC.AllocateArray<Entry>(1 << _chunkBits, pinned: true);
        }
        ref var entry = ref _chunks[chunk][index & _chunkMask];
        entry.Key = key;
        _slots[slot] = ((ulong)(uint)hash << 32) | (uint)(index + 1);
        _count++;
        return ref entry.Value;
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
        _slots = new ulong[old.Length * 2];
        _slotShift--;
        foreach (var occupant in old)
        {
            if (occupant != 0)
                _slots[FreeSlot((int)(occupant >> 32))] = occupant;
        }
    }

    /// <summary>The index of <paramref name="key"/>'s entry, or -1.</summary>
    public int IndexOf(in TKey key)
    {
        int hash = key.GetHashCode();
        ulong tag = (ulong)(uint)hash << 32;
        int mask = _slots.Length - 1;
        for (int slot = SlotOf(hash); _slots[slot] != 0; slot = (slot + 1) & mask)
        {
            ulong occupant = _slots[slot];
            if ((occupant & 0xFFFF_FFFF_0000_0000UL) != tag)
                continue;
            int index = (int)(uint)occupant - 1;
            if (_chunks[index >> _chunkBits][index & _chunkMask].Key.Equals(key))
                return index;
        }
        return -1;
    }
}
