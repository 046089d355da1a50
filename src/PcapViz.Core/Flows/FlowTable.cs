using System.Numerics;
using System.Runtime.CompilerServices;

namespace PcapViz.Core.Flows;

/// <summary>
/// The unidirectional flows of one or more captures: an open-addressing hash index over entries stored in fixed-size
/// chunks. Growing rehashes only the small index; keys and counters never move, and no chunk is large enough to land on
/// the large-object heap, so a capture with millions of flows costs neither a burst of copying nor a doubled peak.
/// </summary>
public sealed class FlowTable
{
    private const int ChunkBits = 9;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    /// <summary>A key beside its counters, so a packet's lookup and update touch one place in memory.</summary>
    private struct Entry
    {
        public FlowKey Key;
        public FlowCounters Counters;
    }

    private Entry[][] _chunks = [];
    /// <summary>Per slot: the key's hash in the high half, entry index + 1 in the low half (0: empty). At most half full.</summary>
    private ulong[] _slots;
    private int _slotShift;
    private int _count;

    public FlowTable(int capacity = 1024)
    {
        int bits = Math.Max(4, BitOperations.Log2((uint)Math.Max(1, capacity - 1)) + 2);
        _slots = new ulong[1 << bits];
        _slotShift = 32 - bits;
    }

    public int Count => _count;

    public IEnumerable<KeyValuePair<FlowKey, FlowCounters>> Entries
    {
        get
        {
            for (int i = 0; i < _count; i++)
            {
                ref readonly var entry = ref _chunks[i >> ChunkBits][i & ChunkMask];
                yield return new KeyValuePair<FlowKey, FlowCounters>(entry.Key, entry.Counters);
            }
        }
    }

    /// <summary>Entry <paramref name="index"/> (0 to Count - 1) in insertion order, without copying: for whole-table passes.</summary>
    public ref readonly FlowKey KeyAt(int index) => ref _chunks[index >> ChunkBits][index & ChunkMask].Key;

    public ref readonly FlowCounters CountersAt(int index) => ref _chunks[index >> ChunkBits][index & ChunkMask].Counters;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SlotOf(int hash) => (int)(((uint)hash * 0x9E3779B9u) >> _slotShift);

    /// <summary>The counters of <paramref name="key"/>, added zeroed when the flow is new.</summary>
    public ref FlowCounters GetOrAdd(in FlowKey key)
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
                ref var entry = ref _chunks[index >> ChunkBits][index & ChunkMask];
                if (entry.Key.Equals(key))
                    return ref entry.Counters;
            }
            slot = (slot + 1) & mask;
        }
        return ref Add(key, hash, slot);
    }

    private ref FlowCounters Add(in FlowKey key, int hash, int slot)
    {
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow();
            slot = FreeSlot(hash);
        }
        int index = _count;
        int chunk = index >> ChunkBits;
        if (chunk == _chunks.Length)
        {
            Array.Resize(ref _chunks, chunk + 1);
            _chunks[chunk] = new Entry[ChunkSize];
        }
        ref var entry = ref _chunks[chunk][index & ChunkMask];
        entry.Key = key;
        _slots[slot] = ((ulong)(uint)hash << 32) | (uint)(index + 1);
        _count++;
        return ref entry.Counters;
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

    public bool TryGet(in FlowKey key, out FlowCounters counters)
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
            ref readonly var entry = ref _chunks[index >> ChunkBits][index & ChunkMask];
            if (entry.Key.Equals(key))
            {
                counters = entry.Counters;
                return true;
            }
        }
        counters = default;
        return false;
    }

    public void Merge(FlowTable other)
    {
        foreach (var (key, counters) in other.Entries)
            GetOrAdd(key).Merge(counters);
    }
}
