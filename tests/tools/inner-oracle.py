#!/usr/bin/env python3
"""The innermost view of the shared oracle (../shared/tools/oracle.py): edges as tshark sees the packet inside tunnels.

For each frame: layer 2 is the last Ethernet header (the inner frame of a bridged tunnel: VXLAN, Geneve, ERSPAN,
GRE-Ethernet), layer 3 the innermost IPv4/IPv6 header that a tunnel carried (IP headers quoted inside ICMP errors
are not tunnels and end the search), layer 4 TCP or UDP directly on that header. Counts are frames and frame
lengths, as tshark's conversation tables count. Same output as the shared oracle.

usage: inner-oracle.py CAPTURE [CAPTURE ...] > reference.json
"""
import json, subprocess, sys, collections, ipaddress

FIELDS = ['frame.len', 'frame.protocols', 'eth.src', 'eth.dst', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst',
          'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport']
PREFS = ['ip.defragment:FALSE', 'ipv6.defragment:FALSE', 'tcp.desegment_tcp_streams:FALSE', 'tcp.analyze_sequence_numbers:FALSE']
QUOTING = ('icmp', 'icmpv6')


def nth(values, n):
    parts = values.split(',') if values else []
    return parts[n] if n < len(parts) else ''


def run(paths):
    edges = {2: collections.Counter(), 3: collections.Counter(), 4: collections.Counter()}
    ebytes = {2: collections.Counter(), 3: collections.Counter(), 4: collections.Counter()}
    total = 0
    for path in paths:
        cmd = ['tshark', '-n', '-r', path, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,']
        for p in PREFS: cmd += ['-o', p]
        for f in FIELDS: cmd += ['-e', f]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            v = dict(zip(FIELDS, line.split('\t')))
            total += 1
            ln = int(v['frame.len'] or 0)
            protos = v['frame.protocols'].split(':')
            cut = next((i for i, p in enumerate(protos) if p in QUOTING), len(protos))
            seen = protos[:cut]
            if protos[0] == 'eth' and 'eth' in seen:
                n = seen.count('eth') - 1
                s, d = nth(v['eth.src'], n), nth(v['eth.dst'], n)
                if s and d:
                    k = (s.lower(), d.lower()); edges[2][k] += 1; ebytes[2][k] += ln
            # Each IP header inside the first must be carried by one with addresses; a header too damaged to carry
            # addresses (as the shared oracle skips it) ends the search.
            at, src, dst = None, '', ''
            for i, p in enumerate(seen):
                if p not in ('ip', 'ipv6'): continue
                n = protos[:i].count(p)
                s, d = nth(v[p + '.src'], n), nth(v[p + '.dst'], n)
                if not (s and d): break
                at, src, dst = i, s, d
            if at is None: continue
            fam = protos[at]
            src, dst = str(ipaddress.ip_address(src)), str(ipaddress.ip_address(dst))
            fmt = '%s:%s' if fam == 'ip' else '[%s]:%s'
            k = (src, dst); edges[3][k] += 1; ebytes[3][k] += ln
            rest = [(i, p) for i, p in enumerate(protos) if i > at and not p.startswith('ipv6.')]
            if rest and rest[0][1] in ('tcp', 'udp'):
                i, t = rest[0]
                m = protos[:i].count(t)
                sp, dp = nth(v[t + '.srcport'], m), nth(v[t + '.dstport'], m)
                if sp and dp:
                    k = (fmt % (src, sp), fmt % (dst, dp)); edges[4][k] += 1; ebytes[4][k] += ln
    res = {'packets': total}
    for layer in (2, 3, 4):
        res['l%d' % layer] = sorted([[s, d, n, ebytes[layer][(s, d)]] for (s, d), n in edges[layer].items()])
    return res


if __name__ == '__main__':
    json.dump(run(sys.argv[1:]), sys.stdout, indent=0)
