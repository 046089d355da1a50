using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PcapViz.Core.Names;

/// <summary>
/// Reverse DNS, only when the user opts in: it sends queries about the capture's hosts, which an analyst may not want.
/// Each address is asked once, with a timeout; failures are remembered as "no name".
/// </summary>
public sealed class ReverseDnsResolver(TimeSpan timeout)
{
    private readonly ConcurrentDictionary<IPAddress, IReadOnlyList<string>> _cache = new();

    public IReadOnlyList<string> Resolve(IPAddress address) => _cache.GetOrAdd(address, Lookup);

    private IReadOnlyList<string> Lookup(IPAddress address)
    {
        try
        {
            var lookup = Dns.GetHostEntryAsync(address);
            if (!lookup.Wait(timeout))
                return [];
            var name = lookup.Result.HostName;
            return string.IsNullOrEmpty(name) || name == address.ToString() ? [] : [name];
        }
        catch (AggregateException e) when (e.InnerException is SocketException or ArgumentException)
        {
            return [];
        }
    }
}
