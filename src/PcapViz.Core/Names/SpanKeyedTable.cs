using System.Runtime.CompilerServices;

namespace PcapViz.Core.Names;

/// <summary>
/// A string-keyed table that is looked up with a span, so a name already known costs no allocation (net8.0 has no
/// alternate lookup on <see cref="Dictionary{TKey, TValue}"/>). Keys keep their insertion order; nothing is removed.
/// The hash is the runtime's randomized string hash, so crafted names cannot flood one bucket.
/// </summary>
internal sealed class SpanKeyedTable<TValue>
{
    private struct Entry
    {
        public string Key;
        public int Hash;
        public int Next;
        public TValue Value;
    }

    private int[] _buckets = new int[16];
    private Entry[] _entries = new Entry[16];
    private int _count;

    public int Count => _count;

    public string KeyAt(int index) => _entries[index].Key;

    public ref TValue ValueAt(int index) => ref _entries[index].Value;

    /// <summary>The value stored under <paramref name="key"/>, or a null reference (test with <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</summary>
    public ref TValue Find(scoped ReadOnlySpan<char> key)
    {
        int index = IndexOf(key, string.GetHashCode(key));
        if (index < 0)
            return ref Unsafe.NullRef<TValue>();
        return ref _entries[index].Value;
    }

    /// <summary>The index of <paramref name="key"/>, adding it with a default value (and allocating its string) when absent.</summary>
    public int GetOrAdd(ReadOnlySpan<char> key, out bool added)
    {
        int hash = string.GetHashCode(key);
        int index = IndexOf(key, hash);
        if (index >= 0)
        {
            added = false;
            return index;
        }
        added = true;
        return Add(key.ToString(), hash);
    }

    /// <summary>The index of <paramref name="key"/>, adding this very string when absent.</summary>
    public int GetOrAdd(string key, out bool added)
    {
        int hash = string.GetHashCode(key.AsSpan());
        int index = IndexOf(key, hash);
        if (index >= 0)
        {
            added = false;
            return index;
        }
        added = true;
        return Add(key, hash);
    }

    private int IndexOf(ReadOnlySpan<char> key, int hash)
    {
        var entries = _entries;
        for (int i = _buckets[hash & (_buckets.Length - 1)] - 1; i >= 0; i = entries[i].Next)
        {
            if (entries[i].Hash == hash && key.SequenceEqual(entries[i].Key))
                return i;
        }
        return -1;
    }

    private int Add(string key, int hash)
    {
        if (_count == _entries.Length)
            Grow();
        int index = _count++;
        ref int bucket = ref _buckets[hash & (_buckets.Length - 1)];
        _entries[index] = new Entry { Key = key, Hash = hash, Next = bucket - 1, Value = default! };
        bucket = index + 1;
        return index;
    }

    private void Grow()
    {
        Array.Resize(ref _entries, _entries.Length * 2);
        _buckets = new int[_entries.Length];
        for (int i = 0; i < _count; i++)
        {
            ref int bucket = ref _buckets[_entries[i].Hash & (_buckets.Length - 1)];
            _entries[i].Next = bucket - 1;
            bucket = i + 1;
        }
    }
}
