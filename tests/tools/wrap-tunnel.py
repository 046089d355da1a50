#!/usr/bin/env python3
"""Wraps every Ethernet frame of a capture in a tunnel or mirror session, as a cloud or switch mirror delivers it.

usage: wrap-tunnel.py IN.pcap[.gz] OUT.pcap [--kind vxlan|geneve|gre-eth|erspan2] [--both-ways]
Each frame becomes outer Ethernet / IPv4 (sensor 10.250.0.1 -> collector 10.250.0.2) / the tunnel / the frame, its
captured and original lengths grown by the same overhead. VXLAN and Geneve take a UDP source port from a hash of the
inner addresses, as senders do; --both-ways sends frames whose inner source sorts after the destination the other
way (a tunnel between two routers rather than a mirror). Classic pcap of Ethernet frames only. Stdlib only; streams.
"""
import argparse, gzip, struct, sys, zlib

parser = argparse.ArgumentParser(description='Wraps every Ethernet frame of a capture in a tunnel.')
parser.add_argument('input')
parser.add_argument('output')
parser.add_argument('--kind', choices=('vxlan', 'geneve', 'gre-eth', 'erspan2'), default='vxlan')
parser.add_argument('--both-ways', action='store_true')
options = parser.parse_args()
args, kind, both_ways = [options.input, options.output], options.kind, options.both_ways
SENSOR, COLLECTOR = bytes([10, 250, 0, 1]), bytes([10, 250, 0, 2])
OUTER_SRC, OUTER_DST = bytes.fromhex('0a000000fa01'), bytes.fromhex('0a000000fa02')


def outer(frame, ident):
    forward = not both_ways or frame[26:30] <= frame[30:34]
    src, dst = (SENSOR, COLLECTOR) if forward else (COLLECTOR, SENSOR)
    if kind in ('vxlan', 'geneve'):
        port = 49152 + zlib.crc32(frame[26:38]) % 16384
        if kind == 'vxlan':
            header, dport = struct.pack('!B3sI', 0x08, b'\0\0\0', 4242 << 8), 4789
        else:
            header, dport = struct.pack('!BBHI', 0, 0, 0x6558, 4242 << 8), 6081
        payload = struct.pack('!HHHH', port, dport, 8 + len(header) + len(frame), 0) + header
        proto = 17
    elif kind == 'gre-eth':
        payload, proto = struct.pack('!HHI', 0x2000, 0x6558, 4242), 47
    else:
        payload, proto = struct.pack('!HHI', 0x1000, 0x88BE, ident) + struct.pack('!HHI', 0x1000, 0x0042, 0), 47
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload) + len(frame), ident & 0xFFFF, 0, 64, proto, 0, src, dst)
    mac_dst, mac_src = (OUTER_DST, OUTER_SRC) if forward else (OUTER_SRC, OUTER_DST)
    return mac_dst + mac_src + b'\x08\x00' + ip + payload


def main():
    opener = gzip.open if args[0].endswith('.gz') else open
    with opener(args[0], 'rb') as f, open(args[1], 'wb') as out:
        header = f.read(24)
        magic = header[:4]
        endian = {b'\xd4\xc3\xb2\xa1': '<', b'\x4d\x3c\xb2\xa1': '<', b'\xa1\xb2\xc3\xd4': '>', b'\xa1\xb2\x3c\x4d': '>'}.get(magic)
        if endian is None: sys.exit('not a classic pcap: ' + args[0])
        snaplen, linktype = struct.unpack(endian + 'II', header[16:24])
        if linktype != 1: sys.exit('only Ethernet captures can be wrapped')
        out.write(header[:16] + struct.pack(endian + 'II', 262144, 1))
        record = struct.Struct(endian + 'IIII')
        ident = 0
        while True:
            head = f.read(16)
            if len(head) < 16: break
            sec, frac, incl, orig = record.unpack(head)
            frame = f.read(incl)
            if len(frame) < incl: break
            ident += 1
            wrap = outer(frame, ident)
            out.write(record.pack(sec, frac, incl + len(wrap), orig + len(wrap)) + wrap + frame)


main()
