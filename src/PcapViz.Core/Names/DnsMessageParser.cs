using System.Buffers.Binary;

namespace PcapViz.Core.Names;

/// <summary>
/// Reads the names in one DNS, mDNS or LLMNR message (RFC 1035 wire format): question names of queries, and the
/// A and AAAA records of responses, each address also named by every CNAME in the message that leads to it.
/// </summary>
/// <remarks>
/// Everything here is written by whoever sent the packet. Every read is bounds-checked; a compression pointer may
/// point anywhere but is followed at most <see cref="MaxPointerHops"/> times per name, a name may not exceed 255 wire
/// bytes, a label length with the 0x40 or 0x80 bit is refused, and only the first <see cref="MaxRecords"/> records
/// of a message are examined. A message cut short yields the records before the cut. Scratch space is reused.
/// </remarks>
internal sealed class DnsMessageParser
{
    public const int MaxRecords = 256;
    public const int MaxCnames = 64;
    public const int MaxPointerHops = 128;
    private const int MaxWireNameLength = 255;
    private const ushort TypeA = 1, TypeCname = 5, TypeAaaa = 28, ClassInternet = 1;

    private readonly struct NameSlice
    {
        public readonly int Start, Length, Hash;

        public NameSlice(int start, int length, int hash)
        {
            Start = start;
            Length = length;
            Hash = hash;
        }
    }

    private readonly HostNameCollector _sink;
    private readonly NameSlice[] _cnameOwners = new NameSlice[MaxCnames];
    private readonly NameSlice[] _cnameTargets = new NameSlice[MaxCnames];
    private readonly NameSlice[] _addressOwners = new NameSlice[MaxRecords];
    private readonly AddressKey[] _addresses = new AddressKey[MaxRecords];
    private readonly int[] _found = new int[MaxCnames];
    private char[] _arena = new char[4 * HostNameCollector.MaxNameChars];
    private int _arenaUsed;

    public DnsMessageParser(HostNameCollector sink)
    {
        _sink = sink;
    }

    /// <summary>Where the next message's questions and answers are also counted, with its packet's ends and time; null for none.</summary>
    public DnsActivity? Activity;
    public AddressKey PacketSource, PacketDestination;
    public long TimestampNs;

    public void Parse(ReadOnlySpan<byte> message, bool takeAnswers, bool countQuestions)
    {
        if (message.Length < 12)
            return;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(message.Slice(2, 2));
        bool response = (flags & 0x8000) != 0;
        // Opcode 0 is a standard query; updates, notifies and the rest do not say what a name resolves to.
        if (((flags >> 11) & 0xF) != 0)
            return;
        if (response ? !takeAnswers : !countQuestions)
            return;
        int questions = BinaryPrimitives.ReadUInt16BigEndian(message.Slice(4, 2));
        int records = BinaryPrimitives.ReadUInt16BigEndian(message.Slice(6, 2))
            + BinaryPrimitives.ReadUInt16BigEndian(message.Slice(8, 2))
            + BinaryPrimitives.ReadUInt16BigEndian(message.Slice(10, 2));
        int position = 12;
        Span<char> name = stackalloc char[HostNameCollector.MaxNameChars];
        for (int i = 0; i < questions; i++)
        {
            if (i >= MaxRecords)
                return;
            int next;
            if (!response)
            {
                if (!TryReadName(message, position, name, out int length, out next))
                    return;
                _sink.CountQuery(name[..length]);
                if (Activity is not null && next + 2 <= message.Length)
                    Activity.Query(PacketSource, PacketDestination, name[..length], BinaryPrimitives.ReadUInt16BigEndian(message.Slice(next, 2)), TimestampNs);
            }
            else if (i == 0 && Activity is not null)
            {
                // The answer counts against the name asked: the first question's.
                if (!TryReadName(message, position, name, out int length, out next))
                    return;
                Activity.Response(PacketDestination, PacketSource, name[..length], flags & 0xF, message.Length, TimestampNs);
            }
            else if (!TrySkipName(message, position, out next))
            {
                return;
            }
            position = next + 4;
            if (position > message.Length)
                return;
        }
        if (response)
            ReadAnswers(message, position, Math.Min(records, MaxRecords));
    }

    private void ReadAnswers(ReadOnlySpan<byte> message, int position, int records)
    {
        _arenaUsed = 0;
        int cnames = 0, addresses = 0;
        for (int i = 0; i < records; i++)
        {
            int owner = position;
            if (!TrySkipName(message, position, out position) || message.Length - position < 10)
                break;
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(message.Slice(position, 2));
            // mDNS sets the top bit of the class to flush caches.
            ushort @class = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(message.Slice(position + 2, 2)) & 0x7FFF);
            int dataLength = BinaryPrimitives.ReadUInt16BigEndian(message.Slice(position + 8, 2));
            int data = position + 10;
            if (dataLength > message.Length - data)
                break;
            position = data + dataLength;
            if (@class != ClassInternet)
                continue;
            if ((type == TypeA && dataLength == 4) || (type == TypeAaaa && dataLength == 16))
            {
                if (!TryStoreName(message, owner, out var ownerName))
                    continue;
                _addressOwners[addresses] = ownerName;
                _addresses[addresses++] = type == TypeA
                    ? AddressKey.V4(BinaryPrimitives.ReadUInt32BigEndian(message.Slice(data, 4)))
                    : new AddressKey(6, BinaryPrimitives.ReadUInt64BigEndian(message.Slice(data, 8)), BinaryPrimitives.ReadUInt64BigEndian(message.Slice(data + 8, 8)));
            }
            else if (type == TypeCname && cnames < MaxCnames)
            {
                if (!TryStoreName(message, owner, out var alias) || !TryStoreName(message, data, out var target))
                    continue;
                _cnameOwners[cnames] = alias;
                _cnameTargets[cnames++] = target;
            }
        }
        for (int i = 0; i < addresses; i++)
            NameAddress(_addresses[i], _addressOwners[i], cnames);
    }

    /// <summary>
    /// Names an address by its record's owner and by every alias whose CNAME chain reaches that owner. The chain is
    /// walked backwards breadth-first, each CNAME record at most once (so loops end); the aliases are added furthest
    /// first, so the name that was asked comes before the names it led to.
    /// </summary>
    private void NameAddress(in AddressKey address, NameSlice owner, int cnames)
    {
        int found = 0;
        ulong visited = 0;
        var current = owner;
        for (int next = 0; ; next++)
        {
            for (int j = 0; j < cnames; j++)
            {
                if ((visited & (1UL << j)) == 0 && SameName(_cnameTargets[j], current))
                {
                    visited |= 1UL << j;
                    _found[found++] = j;
                }
            }
            if (next >= found)
                break;
            current = _cnameOwners[_found[next]];
        }
        for (int k = found - 1; k >= 0; k--)
            _sink.AddName(address, Text(_cnameOwners[_found[k]]), NameSource.Dns);
        _sink.AddName(address, Text(owner), NameSource.Dns);
    }

    private ReadOnlySpan<char> Text(NameSlice slice) => _arena.AsSpan(slice.Start, slice.Length);

    private bool SameName(NameSlice a, NameSlice b) => a.Hash == b.Hash && Text(a).SequenceEqual(Text(b));

    private bool TryStoreName(ReadOnlySpan<byte> message, int offset, out NameSlice slice)
    {
        if (_arena.Length - _arenaUsed < HostNameCollector.MaxNameChars)
            Array.Resize(ref _arena, _arena.Length * 2);
        var output = _arena.AsSpan(_arenaUsed, HostNameCollector.MaxNameChars);
        if (!TryReadName(message, offset, output, out int length, out _) || length == 0)
        {
            slice = default;
            return false;
        }
        slice = new NameSlice(_arenaUsed, length, string.GetHashCode(output[..length]));
        _arenaUsed += length;
        return true;
    }

    /// <summary>
    /// Decodes a (possibly compressed) name at <paramref name="offset"/> as lower-case text with escapes;
    /// <paramref name="next"/> is where the name ends in the message. The root name is the empty string.
    /// </summary>
    internal static bool TryReadName(ReadOnlySpan<byte> message, int offset, Span<char> output, out int length, out int next)
    {
        length = 0;
        next = -1;
        int position = offset, wireLength = 0, hops = 0;
        while (true)
        {
            if ((uint)position >= (uint)message.Length)
                return false;
            int label = message[position];
            if ((label & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length || ++hops > MaxPointerHops)
                    return false;
                if (next < 0)
                    next = position + 2;
                position = ((label & 0x3F) << 8) | message[position + 1];
                continue;
            }
            if ((label & 0xC0) != 0)
                return false;
            if (label == 0)
            {
                if (next < 0)
                    next = position + 1;
                return true;
            }
            wireLength += label + 1;
            if (wireLength >= MaxWireNameLength || label > message.Length - position - 1)
                return false;
            if (length > 0)
                output[length++] = '.';
            foreach (byte b in message.Slice(position + 1, label))
                NameText.Append(b, output, ref length, lowerCase: true, inLabel: true);
            position += 1 + label;
        }
    }

    /// <summary>Finds where a name ends without following its pointer.</summary>
    internal static bool TrySkipName(ReadOnlySpan<byte> message, int offset, out int next)
    {
        int position = offset, wireLength = 0;
        while ((uint)position < (uint)message.Length)
        {
            int label = message[position];
            if ((label & 0xC0) == 0xC0)
            {
                next = position + 2;
                return next <= message.Length;
            }
            if ((label & 0xC0) != 0)
                break;
            if (label == 0)
            {
                next = position + 1;
                return true;
            }
            wireLength += label + 1;
            if (wireLength >= MaxWireNameLength)
                break;
            position += 1 + label;
        }
        next = -1;
        return false;
    }
}
