namespace PcapViz.Core.Flows;

/// <summary>The unidirectional flows of one or more captures, in the order they first appeared.</summary>
public sealed class FlowTable
{
    private readonly ChunkedHashTable<FlowKey, FlowCounters> _flows;

    public FlowTable(int capacity = 1024) => _flows = new ChunkedHashTable<FlowKey, FlowCounters>(capacity);

    public int Count => _flows.Count;

    public IEnumerable<KeyValuePair<FlowKey, FlowCounters>> Entries
    {
        get
        {
            for (int i = 0; i < _flows.Count; i++)
                yield return new KeyValuePair<FlowKey, FlowCounters>(_flows.KeyAt(i), _flows.ValueAt(i));
        }
    }

    /// <summary>Entry <paramref name="index"/> (0 to Count - 1) in insertion order, without copying: for whole-table passes.</summary>
    public ref readonly FlowKey KeyAt(int index) => ref _flows.KeyAt(index);

    public ref readonly FlowCounters CountersAt(int index) => ref _flows.ValueAt(index);

    /// <summary>The counters of <paramref name="key"/>, added zeroed when the flow is new.</summary>
    public ref FlowCounters GetOrAdd(in FlowKey key) => ref _flows.GetOrAdd(key, out _);

    /// <summary>As <see cref="GetOrAdd(in FlowKey)"/>, with <paramref name="hash"/> (the key's hash code) computed on another thread.</summary>
    public ref FlowCounters GetOrAdd(in FlowKey key, int hash) => ref _flows.GetOrAdd(key, hash, out _);

    /// <summary>The entry index of <paramref name="key"/>, or -1.</summary>
    public int IndexOf(in FlowKey key) => _flows.IndexOf(key);

    public bool TryGet(in FlowKey key, out FlowCounters counters)
    {
        int index = _flows.IndexOf(key);
        counters = index < 0 ? default : _flows.ValueAt(index);
        return index >= 0;
    }

    public void Merge(FlowTable other)
    {
        for (int i = 0; i < other.Count; i++)
            GetOrAdd(other.KeyAt(i)).Merge(other.CountersAt(i));
    }
}
