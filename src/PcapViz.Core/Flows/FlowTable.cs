using System.Runtime.InteropServices;

namespace PcapViz.Core.Flows;

/// <summary>The unidirectional flows of one or more captures.</summary>
public sealed class FlowTable
{
    private readonly Dictionary<FlowKey, FlowCounters> _flows;

    public FlowTable(int capacity = 1024) => _flows = new Dictionary<FlowKey, FlowCounters>(capacity);

    public int Count => _flows.Count;

    public IEnumerable<KeyValuePair<FlowKey, FlowCounters>> Entries => _flows;

    public ref FlowCounters GetOrAdd(in FlowKey key) => ref CollectionsMarshal.GetValueRefOrAddDefault(_flows, key, out _);

    public bool TryGet(in FlowKey key, out FlowCounters counters) => _flows.TryGetValue(key, out counters);

    public void Merge(FlowTable other)
    {
        foreach (var (key, counters) in other._flows)
            GetOrAdd(key).Merge(counters);
    }
}
