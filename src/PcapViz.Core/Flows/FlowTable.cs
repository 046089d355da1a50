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
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    private FlowKey[][] _keys = [];
    private FlowCounters[][] _counters = [];
    private int[][] _hashes = [];
    /// <summary>Entry index + 1 per slot; 0 is an empty slot. Kept at most half full.</summary>
    private int[] _slots;
    private int _slotShift;
    private int _count;

    public FlowTable(int capacity = 1024)
    {
        int bits = Math.Max(4, BitOperations.Log2((uint)Math.Max(1, capacity - 1)) + 2);
        _slots = new int[1 << bits];
        _slotShift = 32 - bits;
    }

    public int Count => _count;

    public IEnumerable<KeyValuePair<FlowKey, FlowCounters>> Entries
    {
        get
        {
            for (int i = 0; i < _count; i++)
                yield return new KeyValuePair<FlowKey, FlowCounters>(_keys[i >> ChunkBits][i & ChunkMask], _counters[i >> ChunkBits][i & ChunkMask]);
        }
    }

    /// <summary>Entry <paramref name="index"/> (0 to Count - 1) in insertion order, without copying: for whole-table passes.</summary>
    public ref readonly FlowKey KeyAt(int index) => ref _keys[index >> ChunkBits][index & ChunkMask];

    public ref readonly FlowCounters CountersAt(int index) => ref _counters[index >> ChunkBits][index & ChunkMask];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SlotOf(int hash) => (int)(((uint)hash * 0x9E3779B9u) >> _slotShift);

    /// <summary>The counters of <paramref name="key"/>, added zeroed when the flow is new.</summary>
    public ref FlowCounters GetOrAdd(in FlowKey key)
    {
        int hash = key.GetHashCode();
        int mask = _slots.Length - 1;
        int slot = SlotOf(hash);
        while (true)
        {
            int entry = _slots[slot];
            if (entry == 0)
                break;
            int index = entry - 1;
            if (_hashes[index >> ChunkBits][index & ChunkMask] == hash && _keys[index >> ChunkBits][index & ChunkMask].Equals(key))
                return ref _counters[index >> ChunkBits][index & ChunkMask];
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
        if (chunk == _keys.Length)
        {
            Array.Resize(ref _keys, chunk + 1);
            Array.Resize(ref _counters, chunk + 1);
            Array.Resize(ref _hashes, chunk + 1);
            _keys[chunk] = new FlowKey[ChunkSize];
            _counters[chunk] = new FlowCounters[ChunkSize];
            _hashes[chunk] = new int[ChunkSize];
        }
        _keys[chunk][index & ChunkMask] = key;
        _hashes[chunk][index & ChunkMask] = hash;
        _slots[slot] = index + 1;
        _count++;
        return ref _counters[chunk][index & ChunkMask];
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
        _slots = new int[_slots.Length * 2];
        _slotShift--;
        for (int index = 0; index < _count; index++)
            _slots[FreeSlot(_hashes[index >> ChunkBits][index & ChunkMask])] = index + 1;
    }

    public bool TryGet(in FlowKey key, out FlowCounters counters)
    {
        int hash = key.GetHashCode();
        int mask = _slots.Length - 1;
        for (int slot = SlotOf(hash); _slots[slot] != 0; slot = (slot + 1) & mask)
        {
            int index = _slots[slot] - 1;
            if (_hashes[index >> ChunkBits][index & ChunkMask] == hash && _keys[index >> ChunkBits][index & ChunkMask].Equals(key))
            {
                counters = _counters[index >> ChunkBits][index & ChunkMask];
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
