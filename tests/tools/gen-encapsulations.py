#!/usr/bin/env python3
"""Writes one small capture per encapsulation case, for comparing our layer 2, 3 and 4 edges with tshark's.

usage: gen-encapsulations.py OUTDIR
Each case -> OUTDIR/<name>.pcap (or .pcapng): link types, tunnels, tags, extension headers, truncations and malformed
headers that the shared corpus does not hold. Most cases use addresses of their own, so in a merge of all of them a
difference still points at its case. Frames are lists of bytes or (bytes, orig_len). Stdlib only; checksums are left at 0.
"""
import os, struct, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else sys.exit('usage: gen-encapsulations.py OUTDIR')

# ---------------------------------------------------------------- helpers
def mac(s): return bytes.fromhex(s.replace(':', ''))
def a4(s): return bytes(int(x) for x in s.split('.'))
def a6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed

MA, MB, MC, MD = mac('02:00:00:00:00:0a'), mac('02:00:00:00:00:0b'), mac('02:00:00:00:00:0c'), mac('02:00:00:00:00:0d')

def eth(dst, src, etype, payload): return dst + src + struct.pack('!H', etype) + payload
def vtag(tpid, vid, inner_type):   # returns bytes for "tpid | tci | inner_type" (tpid is the ethertype slot)
    return struct.pack('!HHH', tpid, vid & 0xfff, inner_type)
def eth_tags(dst, src, tags, etype, payload):
    """tags: list of tpids, e.g. [0x88a8, 0x8100]"""
    b = dst + src
    for i, t in enumerate(tags):
        b += struct.pack('!HH', t, 100 + i)
    return b + struct.pack('!H', etype) + payload
def eth8023(dst, src, payload, length=None):
    return dst + src + struct.pack('!H', len(payload) if length is None else length) + payload
def llc_snap(etype, oui=b'\0\0\0'): return b'\xaa\xaa\x03' + oui + struct.pack('!H', etype)

def ip4(src, dst, proto, payload, opts=b'', tl=None, ihl=None, ver=4, ff=0, ident=1, ttl=64):
    if ihl is None: ihl = 5 + len(opts) // 4
    if tl is None: tl = 20 + len(opts) + len(payload)
    return struct.pack('!BBHHHBBH4s4s', (ver << 4) | ihl, 0, tl, ident, ff, ttl, proto, 0, a4(src), a4(dst)) + opts + payload
def ip6(src, dst, nh, payload, plen=None, hlim=64, ver=6):
    if plen is None: plen = len(payload)
    return struct.pack('!IHBB', (ver << 28), plen, nh, hlim) + a6(src) + a6(dst) + payload
def tcp(sp, dp, payload=b'', doff=5, flags=0x18):
    opts = b'\x01' * max(0, (doff - 5) * 4)
    return struct.pack('!HHIIBBHHH', sp, dp, 1, 0, (doff & 0xf) << 4, flags, 8192, 0, 0) + opts + payload
def udp(sp, dp, payload=b'', length=None):
    return struct.pack('!HHHH', sp, dp, 8 + len(payload) if length is None else length, 0) + payload
def ext6(nh, body=b'\0' * 6):   # generic hop-by-hop / dest options (body padded to 8n-2)
    assert (len(body) + 2) % 8 == 0
    return bytes([nh, (len(body) + 2) // 8 - 1]) + body
def rh6(nh, typ=0, addrs=()):
    data = b''.join(a6(a) for a in addrs)
    return bytes([nh, 2 * len(addrs), typ, len(addrs)]) + b'\0' * 4 + data
def frag6(nh, off=0, m=1, ident=0x1234):
    return struct.pack('!BBHI', nh, 0, (off << 3) | m, ident)
def ah(nh, payload_after):  # 12 bytes ICV -> ah len = (24/4)-2 = 4
    return struct.pack('!BBHII', nh, 4, 0, 0x100, 1) + b'\0' * 12 + payload_after
def mpls(labels, payload):
    b = b''
    for i, l in enumerate(labels):
        bos = 1 if i == len(labels) - 1 else 0
        b += struct.pack('!I', (l << 12) | (bos << 8) | 64)
    return b + payload
def gre(proto, payload, key=None, seq=None):
    flags = 0
    extra = b''
    if key is not None: flags |= 0x2000; extra += struct.pack('!I', key)
    if seq is not None: flags |= 0x1000; extra += struct.pack('!I', seq)
    return struct.pack('!HH', flags, proto) + extra + payload
def icmp(typ, code, body): return struct.pack('!BBHI', typ, code, 0, 0) + body
def arp(op=1):
    return struct.pack('!HHBBH', 1, 0x0800, 6, 4, op) + MA + a4('10.9.9.1') + b'\0' * 6 + a4('10.9.9.2')

def U4(src='10.0.0.1', dst='10.0.0.2', sp=1111, dp=2222, pl=b'hello'):
    return ip4(src, dst, 17, udp(sp, dp, pl))
def T4(src='10.0.0.1', dst='10.0.0.2', sp=1111, dp=80, pl=b'GET'):
    return ip4(src, dst, 6, tcp(sp, dp, pl))
def U6(src='2001:db8::1', dst='2001:db8::2', sp=3333, dp=4444, pl=b'hello6'):
    return ip6(src, dst, 17, udp(sp, dp, pl))
def T6(src='2001:db8::1', dst='2001:db8::2', sp=5555, dp=443, pl=b'abc'):
    return ip6(src, dst, 6, tcp(sp, dp, pl))
def E(payload, etype=0x0800, dst=MB, src=MA): return eth(dst, src, etype, payload)

# ---------------------------------------------------------------- file writers
def write_pcap(path, linktype, frames, be=False, nsec=False, snaplen=262144, magic=None):
    e = '>' if be else '<'
    if magic is None: magic = 0xa1b23c4d if nsec else 0xa1b2c3d4
    out = struct.pack(e + 'IHHiIII', magic, 2, 4, 0, 0, snaplen, linktype)
    for i, fr in enumerate(frames):
        if isinstance(fr, tuple): data, olen = fr
        else: data, olen = fr, len(fr)
        out += struct.pack(e + 'IIII', 1700000000 + i, 0, len(data), olen) + data
    with open(path, 'wb') as f: f.write(out)

def pad4(b): return b + b'\0' * (-len(b) % 4)
def blk(t, body):
    body = pad4(body)
    ln = 12 + len(body)
    return struct.pack('<II', t, ln) + body + struct.pack('<I', ln)
def write_pcapng(path, ifaces, packets):
    """ifaces: list of (linktype, snaplen). packets: list of (kind, ifidx, data, olen); kind 'epb','spb','pb'"""
    out = blk(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
    for lt, sl in ifaces:
        out += blk(1, struct.pack('<HHI', lt, 0, sl))
    for i, (kind, ifx, data, olen) in enumerate(packets):
        if kind == 'epb':
            out += blk(6, struct.pack('<IIIII', ifx, 0, i, len(data), olen) + pad4(data))
        elif kind == 'spb':
            out += blk(3, struct.pack('<I', olen) + pad4(data))
        elif kind == 'pb':   # obsolete packet block
            out += blk(2, struct.pack('<HHIIII', ifx, 0, 0, i, len(data), olen) + pad4(data))
    with open(path, 'wb') as f: f.write(out)

CASES = {}
def case(name, linktype, frames, **kw): CASES[name] = (linktype, frames, kw)

# ---------------------------------------------------------------- PPP (9)
case('ppp9_ff03_ipv4_tcp', 9, [b'\xff\x03\x00\x21' + T4('10.1.0.1', '10.1.0.2')])
case('ppp9_ff03_ipv6_udp', 9, [b'\xff\x03\x00\x57' + U6('2001:db8:1::1', '2001:db8:1::2')])
case('ppp9_noaddr_ipv4', 9, [b'\x00\x21' + U4('10.1.1.1', '10.1.1.2')])
case('ppp9_noaddr_ipv6', 9, [b'\x00\x57' + T6('2001:db8:11::1', '2001:db8:11::2')])
case('ppp9_pfc_ipv4', 9, [b'\xff\x03\x21' + U4('10.1.2.1', '10.1.2.2')])
case('ppp9_pfc_noaddr_ipv4', 9, [b'\x21' + U4('10.1.2.3', '10.1.2.4')])
case('ppp9_mpls_ipv4', 9, [b'\xff\x03\x02\x81' + mpls([100, 200], U4('10.1.3.1', '10.1.3.2'))])
case('ppp9_vj_uncompressed', 9, [b'\xff\x03\x00\x2f' + ip4('10.1.4.1', '10.1.4.2', 0, tcp(1000, 23))])
case('ppp9_chdlc_bytes', 9, [b'\x0f\x00\x08\x00' + U4('10.1.5.1', '10.1.5.2')])
case('ppp9_bcp_ethernet', 9, [b'\xff\x03\x00\x31' + b'\x00\x01' + E(U4('10.1.6.1', '10.1.6.2'))])
case('ppp9_lcp_only', 9, [b'\xff\x03\xc0\x21' + b'\x01\x01\x00\x04'])
# ---------------------------------------------------------------- PPP_HDLC (50)
case('ppphdlc50_ipv4', 50, [b'\xff\x03\x00\x21' + T4('10.2.0.1', '10.2.0.2')])
case('ppphdlc50_ipv6', 50, [b'\xff\x03\x00\x57' + U6('2001:db8:2::1', '2001:db8:2::2')])
case('ppphdlc50_cisco_bytes', 50, [b'\x0f\x00\x08\x00' + U4('10.2.1.1', '10.2.1.2')])
case('ppphdlc50_noaddr_ipv4', 50, [b'\x00\x21' + U4('10.2.2.1', '10.2.2.2')])
# ---------------------------------------------------------------- PPP_ETHER (51) = PPPoE without Ethernet
case('pppether51_session_ipv4', 51, [b'\x11\x00\x00\x01' + struct.pack('!H', 2 + 33) + b'\x00\x21' + U4('10.2.3.1', '10.2.3.2')])
# ---------------------------------------------------------------- C_HDLC (104)
case('chdlc104_ipv4', 104, [b'\x0f\x00\x08\x00' + T4('10.3.0.1', '10.3.0.2')])
case('chdlc104_ipv6', 104, [b'\x8f\x00\x86\xdd' + U6('2001:db8:3::1', '2001:db8:3::2')])
case('chdlc104_mpls', 104, [b'\x0f\x00\x88\x47' + mpls([16, 17], U4('10.3.1.1', '10.3.1.2'))])
case('chdlc104_slarp', 104, [b'\x8f\x00\x80\x35' + struct.pack('!III', 0, 1, 2) + b'\0' * 6])
case('chdlc104_ethbridge', 104, [b'\x0f\x00\x65\x58' + E(U4('10.3.2.1', '10.3.2.2'))])
case('chdlc104_ppp_bytes', 104, [b'\xff\x03\x00\x21' + U4('10.3.3.1', '10.3.3.2')])
# ---------------------------------------------------------------- LOOP (108), AF in network byte order
case('loop108_af2', 108, [struct.pack('!I', 2) + T4('10.4.0.1', '10.4.0.2')])
case('loop108_af24_v6', 108, [struct.pack('!I', 24) + U6('2001:db8:4::1', '2001:db8:4::2')])
case('loop108_af28_v6', 108, [struct.pack('!I', 28) + U6('2001:db8:4::3', '2001:db8:4::4')])
case('loop108_af30_v6', 108, [struct.pack('!I', 30) + U6('2001:db8:4::5', '2001:db8:4::6')])
case('loop108_af2_hostorder', 108, [struct.pack('<I', 2) + U4('10.4.1.1', '10.4.1.2')])
case('loop108_af30_hostorder', 108, [struct.pack('<I', 30) + U6('2001:db8:4::7', '2001:db8:4::8')])
case('loop108_af10_linuxv6', 108, [struct.pack('!I', 10) + U6('2001:db8:4::9', '2001:db8:4::a')])
# ---------------------------------------------------------------- NULL (0), AF in host order (both orders)
for af in (2, 24, 28, 30):
    for bo, tag in (('<', 'le'), ('>', 'be')):
        pl = T4('10.5.%d.1' % af, '10.5.%d.2' % af) if af == 2 else U6('2001:db8:5:%d::1' % af, '2001:db8:5:%d::2' % af)
        case('null0_af%d_%s' % (af, tag), 0, [struct.pack(bo + 'I', af) + pl])
        case('null0_bepcap_af%d_%s' % (af, tag), 0, [struct.pack(bo + 'I', af) + pl], be=True)
case('null0_af10_linuxv6', 0, [struct.pack('<I', 10) + U6('2001:db8:5:a::1', '2001:db8:5:a::2')])
case('null0_af23_ipx', 0, [struct.pack('<I', 23) + b'\xff\xff\x00\x1e' + b'\0' * 26])
case('null0_ppp_ff03', 0, [b'\xff\x03\x00\x21' + U4('10.5.9.1', '10.5.9.2')])
case('null0_af2_v6payload', 0, [struct.pack('<I', 2) + U6('2001:db8:5:b::1', '2001:db8:5:b::2')])
case('null0_af24_v4payload', 0, [struct.pack('<I', 24) + U4('10.5.10.1', '10.5.10.2')])
# ---------------------------------------------------------------- RAW (101)
case('raw101_ipv6_tcp', 101, [T6('2001:db8:6::1', '2001:db8:6::2')])
case('raw101_ipv6_exthdrs', 101, [ip6('2001:db8:6::3', '2001:db8:6::4', 0, ext6(60, b'\x01\x04\0\0\0\0') + ext6(17, b'\x01\x04\0\0\0\0') + udp(7, 9, b'x'))])
case('raw101_version0', 101, [b'\x00' * 40])
case('raw101_mixed', 101, [T4('10.6.0.1', '10.6.0.2'), U6('2001:db8:6::5', '2001:db8:6::6')])
# ---------------------------------------------------------------- FDDI (10)
def fddi(dst, src, payload, fc=0x50): return bytes([fc]) + dst + src + payload
case('fddi10_snap_ipv4', 10, [fddi(MB, MA, llc_snap(0x0800) + T4('10.7.0.1', '10.7.0.2'))])
case('fddi10_snap_ipv6', 10, [fddi(MB, MA, llc_snap(0x86dd) + U6('2001:db8:7::1', '2001:db8:7::2'))])
case('fddi10_smt', 10, [fddi(MB, MA, b'\x01\x02' + b'\0' * 30, fc=0x41)])
# ---------------------------------------------------------------- IEEE802_5 token ring (6)
case('tokenring6_snap_ipv4', 6, [b'\x10\x40' + MB + MA + llc_snap(0x0800) + U4('10.7.1.1', '10.7.1.2')])
# ---------------------------------------------------------------- ATM_RFC1483 (100)
case('atm1483_100_snap_ipv4', 100, [llc_snap(0x0800) + U4('10.7.2.1', '10.7.2.2')])
# ---------------------------------------------------------------- LINUX_SLL (113)
def sll(proto, payload, hatype=1, pkttype=0, addr=MA):
    return struct.pack('!HHH', pkttype, hatype, len(addr)) + addr + b'\0' * (8 - len(addr)) + struct.pack('!H', proto) + payload
case('sll113_vlan_ipv4', 113, [sll(0x8100, struct.pack('!HH', 10, 0x0800) + T4('10.8.0.1', '10.8.0.2'))])
case('sll113_qinq_ipv6', 113, [sll(0x88a8, struct.pack('!HH', 10, 0x8100) + struct.pack('!HH', 20, 0x86dd) + U6('2001:db8:8::1', '2001:db8:8::2'))])
case('sll113_llc_snap_ipv4', 113, [sll(0x0004, llc_snap(0x0800) + U4('10.8.1.1', '10.8.1.2'))])
case('sll113_arp', 113, [sll(0x0806, arp())])
case('sll113_lldp', 113, [sll(0x88cc, b'\x02\x07\x04' + MA + b'\0\0')])
case('sll113_novell_8023', 113, [sll(0x0001, b'\xff\xff\x00\x1e' + b'\0' * 26)])
case('sll113_ipgre_hatype778', 113, [sll(0x0800, U4('10.8.2.1', '10.8.2.2'), hatype=778, addr=a4('1.2.3.4'))])
case('sll113_netlink_824', 113, [sll(0x0000, b'\x14\x00\x00\x00\x10\x00\x00\x00' + b'\0' * 12, hatype=824, addr=b'')])
case('sll113_outgoing_ipv6', 113, [sll(0x86dd, T6('2001:db8:8::3', '2001:db8:8::4'), pkttype=4)])
case('sll113_loopback_772', 113, [sll(0x0800, U4('127.0.0.1', '127.0.0.2'), hatype=772, addr=b'\0' * 6)])
case('sll113_9100', 113, [sll(0x9100, struct.pack('!HH', 10, 0x0800) + U4('10.8.3.1', '10.8.3.2'))])
# ---------------------------------------------------------------- NFLOG (239)
def tlv(t, v, le=True):
    e = '<' if le else '>'
    return pad4(struct.pack(e + 'HH', 4 + len(v), t) + v)
def nflog(fam, payload, hwproto, extra=b''):
    return struct.pack('!BBH', fam, 0, 0) + tlv(1, struct.pack('!HBB', hwproto, 1, 0)) + extra + tlv(9, payload)
case('nflog239_ipv4_tcp', 239, [nflog(2, T4('10.9.0.1', '10.9.0.2'), 0x0800)])
case('nflog239_ipv6_udp', 239, [nflog(10, U6('2001:db8:9::1', '2001:db8:9::2'), 0x86dd)])
case('nflog239_extra_tlvs', 239, [nflog(2, U4('10.9.1.1', '10.9.1.2', pl=b'abc'), 0x0800,
                                        extra=tlv(10, b'prefix\0') + tlv(3, b'\0' * 16) + tlv(4, struct.pack('!I', 2)))])
case('nflog239_fam_unspec', 239, [nflog(0, U4('10.9.2.1', '10.9.2.2'), 0x0800)])
case('nflog239_no_payload', 239, [struct.pack('!BBH', 2, 0, 0) + tlv(1, struct.pack('!HBB', 0x0800, 1, 0))])
# ---------------------------------------------------------------- PFLOG (117)
def pflog(af, payload):
    hdr = struct.pack('!BBBB', 61, af, 0, 0) + b'em0'.ljust(16, b'\0') + b''.ljust(16, b'\0')
    hdr += struct.pack('!IIIiIiB', 1, 0xffffffff, 0, 0, 0, 0, 1) + b'\0' * 3
    assert len(hdr) == 64
    return hdr + payload
case('pflog117_ipv4', 117, [pflog(2, T4('10.10.0.1', '10.10.0.2'))])
case('pflog117_af24_v6', 117, [pflog(24, U6('2001:db8:a::1', '2001:db8:a::2'))])
case('pflog117_af28_v6', 117, [pflog(28, U6('2001:db8:a::3', '2001:db8:a::4'))])
case('pflog117_af30_v6', 117, [pflog(30, U6('2001:db8:a::5', '2001:db8:a::6'))])
# ---------------------------------------------------------------- IPNET (226)
def ipnet(fam, payload):
    return struct.pack('!BBHIIIII', 2, fam, 0, len(payload), 1, 0, 0, 0) + payload
case('ipnet226_ipv4', 226, [ipnet(2, T4('10.11.0.1', '10.11.0.2'))])
case('ipnet226_ipv6', 226, [ipnet(26, U6('2001:db8:b::1', '2001:db8:b::2'))])
# ---------------------------------------------------------------- ENC (109), NETANALYZER (240), MPLS (219), FRELAY(107), PKTAP(258)
case('enc109_ipv4', 109, [struct.pack('<III', 2, 0x1000, 0) + U4('10.12.0.1', '10.12.0.2')])
case('netanalyzer240_eth', 240, [struct.pack('<I', 0x00000000) + E(U4('10.12.1.1', '10.12.1.2')) + b'\0' * 4])
case('mpls219_ipv4', 219, [mpls([1000], U4('10.12.2.1', '10.12.2.2'))])
case('frelay107_nlpid_ip', 107, [b'\x18\x41\x03\xcc' + U4('10.12.3.1', '10.12.3.2')])
def pktap(dlt, payload):
    hdr = struct.pack('<IIIII', 108, 1, dlt, 0, 0) + b'en0'.ljust(24, b'\0')   # len,rectype,dlt,ifname...
    hdr = hdr.ljust(108, b'\0')
    return hdr + payload
case('pktap258_eth', 258, [pktap(1, E(U4('10.12.4.1', '10.12.4.2')))])
case('docsis143_eth', 143, [b'\xc0\x00\x00\x00' + E(U4('10.12.5.1', '10.12.5.2'))])
# ---------------------------------------------------------------- Ethernet framing variants
case('eth_8023_llc_snap_ipv4', 1, [eth8023(MB, MA, llc_snap(0x0800) + T4('10.13.0.1', '10.13.0.2'))])
case('eth_8023_llc_snap_ipv6', 1, [eth8023(MB, MA, llc_snap(0x86dd) + U6('2001:db8:d::1', '2001:db8:d::2'))])
case('eth_8023_llc_sap06_ipv4', 1, [eth8023(MB, MA, b'\x06\x06\x03' + U4('10.13.1.1', '10.13.1.2'))])
case('eth_8023_snap_cisco_oui', 1, [eth8023(MB, MA, llc_snap(0x2000, b'\x00\x00\x0c') + b'\x02\xb4\0\0' + b'\0' * 20)])
case('eth_8023_snap_oui_nonzero_0800', 1, [eth8023(MB, MA, llc_snap(0x0800, b'\x00\x00\xf8') + U4('10.13.2.1', '10.13.2.2'))])
case('eth_8023_padded', 1, [eth8023(MB, MA, llc_snap(0x0800) + U4('10.13.3.1', '10.13.3.2', pl=b'')) + b'\0' * 10])
case('eth_8023_novell_raw', 1, [eth8023(MB, MA, b'\xff\xff\x00\x1e' + b'\0' * 28)])
case('eth_qinq_88a8_8100', 1, [eth_tags(MB, MA, [0x88a8, 0x8100], 0x0800, T4('10.13.4.1', '10.13.4.2'))])
case('eth_3vlan_tags', 1, [eth_tags(MB, MA, [0x8100, 0x8100, 0x8100], 0x0800, U4('10.13.5.1', '10.13.5.2'))])
case('eth_9100_tag', 1, [eth_tags(MB, MA, [0x9100], 0x0800, U4('10.13.6.1', '10.13.6.2'))])
case('eth_9100_8100', 1, [eth_tags(MB, MA, [0x9100, 0x8100], 0x86dd, U6('2001:db8:d::3', '2001:db8:d::4'))])
case('eth_9200_tag', 1, [eth_tags(MB, MA, [0x9200], 0x0800, U4('10.13.7.1', '10.13.7.2'))])
case('eth_88a8_3tags_ipv6', 1, [eth_tags(MB, MA, [0x88a8, 0x88a8, 0x8100], 0x86dd, T6('2001:db8:d::5', '2001:db8:d::6'))])
case('eth_vlan_8023_snap', 1, [MB + MA + struct.pack('!HH', 0x8100, 5) + struct.pack('!H', 8 + 28) + llc_snap(0x0800) + U4('10.13.8.1', '10.13.8.2', pl=b'')])
case('eth_pbb_88e7', 1, [eth(MB, MA, 0x88e7, struct.pack('!I', 0x00012345) + MD + MC + struct.pack('!H', 0x0800) + U4('10.13.9.1', '10.13.9.2'))])
case('eth_pbb_88a8_88e7', 1, [eth_tags(MB, MA, [0x88a8], 0x88e7, struct.pack('!I', 0x00012345) + MD + MC + struct.pack('!H', 0x0800) + U4('10.13.9.3', '10.13.9.4'))])
case('eth_8021ae_macsec', 1, [eth(MB, MA, 0x88e5, b'\x2c\x00' + struct.pack('!I', 1) + b'\0' * 8 + U4('10.13.10.1', '10.13.10.2'))])
case('eth_ethertype_8870_jumbo', 1, [eth(MB, MA, 0x8870, llc_snap(0x0800) + U4('10.13.11.1', '10.13.11.2'))])
case('eth_86dd_carrying_v4', 1, [E(U4('10.13.12.1', '10.13.12.2'), 0x86dd)])
case('eth_0800_carrying_v6', 1, [E(U6('2001:db8:d::7', '2001:db8:d::8'), 0x0800)])
case('eth_cisco_isl_like', 1, [eth(mac('01:00:0c:00:00:00'), MA, 0x0030, b'\0' * 40)])
# ---------------------------------------------------------------- IPv4 variants
case('ip4_options_ihl6', 1, [E(ip4('10.14.0.1', '10.14.0.2', 6, tcp(1, 2), opts=b'\x01\x01\x01\x00'))])
case('ip4_options_ihl15_rr', 1, [E(ip4('10.14.1.1', '10.14.1.2', 17, udp(3, 4, b'z'), opts=b'\x07\x27\x04' + b'\0' * 36 + b'\x00'))])
case('ip4_ethpad_tl_small', 1, [E(ip4('10.14.2.1', '10.14.2.2', 17, udp(5, 6))) + b'\0' * 18])
case('ip4_tl_smaller_than_hdr_plus_udp', 1, [E(ip4('10.14.3.1', '10.14.3.2', 17, udp(5, 6, b'payload'), tl=24))])
case('ip4_tl_larger_snap_cut', 1, [(E(T4('10.14.4.1', '10.14.4.2', pl=b'A' * 100))[:14 + 40], 1514)])
case('ip4_cut_mid_iphdr_15', 1, [(E(T4('10.14.5.1', '10.14.5.2'))[:14 + 15], 100)])
case('ip4_cut_mid_dst_17', 1, [(E(T4('10.14.6.1', '10.14.6.2'))[:14 + 17], 100)])
case('ip4_cut_after_iphdr', 1, [(E(T4('10.14.7.1', '10.14.7.2'))[:14 + 20], 100)])
case('ip4_cut_tcp_2bytes', 1, [(E(T4('10.14.8.1', '10.14.8.2'))[:14 + 22], 100)])
case('ip4_cut_tcp_4bytes', 1, [(E(T4('10.14.9.1', '10.14.9.2'))[:14 + 24], 100)])
case('ip4_cut_tcp_12bytes', 1, [(E(T4('10.14.10.1', '10.14.10.2'))[:14 + 32], 100)])
case('ip4_cut_udp_4bytes', 1, [(E(U4('10.14.11.1', '10.14.11.2'))[:14 + 24], 100)])
case('ip4_cut_udp_6bytes', 1, [(E(U4('10.14.12.1', '10.14.12.2'))[:14 + 26], 100)])
case('ip4_tl_larger_no_cut', 1, [E(ip4('10.14.13.1', '10.14.13.2', 17, udp(5, 6, b'x'), tl=500))])
case('ip4_tl_zero_tso', 1, [E(ip4('10.14.14.1', '10.14.14.2', 6, tcp(7, 8, b'data'), tl=0))])
case('ip4_tl_lt_ihl', 1, [E(ip4('10.14.15.1', '10.14.15.2', 6, tcp(7, 8, b'data'), tl=10))])
case('ip4_ihl_lt5', 1, [E(ip4('10.14.16.1', '10.14.16.2', 6, tcp(9, 10), ihl=4))])
case('ip4_ihl_0', 1, [E(ip4('10.14.17.1', '10.14.17.2', 6, tcp(9, 10), ihl=0))])
case('ip4_version5', 1, [E(ip4('10.14.18.1', '10.14.18.2', 17, udp(9, 10), ver=5))])
case('ip4_version6_in_0800_hdr', 1, [E(ip4('10.14.19.1', '10.14.19.2', 17, udp(9, 10), ver=6))])
case('ip4_ihl_exceeds_tl', 1, [E(ip4('10.14.20.1', '10.14.20.2', 17, udp(9, 10), opts=b'\x01' * 20, tl=30))])
case('ip4_ihl_exceeds_caplen', 1, [E(ip4('10.14.21.1', '10.14.21.2', 17, b'', ihl=15))])
case('ip4_frag_first_mf', 1, [E(ip4('10.15.0.1', '10.15.0.2', 17, udp(11, 12, b'F' * 16, length=100), ff=0x2000))])
case('ip4_frag_later', 1, [E(ip4('10.15.1.1', '10.15.1.2', 17, b'\x00\x0b\x00\x0c' + b'G' * 20, ff=0x0003))])
case('ip4_frag_last', 1, [E(ip4('10.15.2.1', '10.15.2.2', 6, b'\x00\x0b\x00\x0c' + b'H' * 20, ff=0x0005))])
case('ip4_frag_first_and_later_tcp', 1, [E(ip4('10.15.3.1', '10.15.3.2', 6, tcp(13, 14, b'I' * 8), ff=0x2000, ident=7)),
                                         E(ip4('10.15.3.1', '10.15.3.2', 6, b'J' * 16, ff=0x0004, ident=7))])
case('ip4_df_set', 1, [E(ip4('10.15.4.1', '10.15.4.2', 17, udp(15, 16), ff=0x4000))])
case('ip4_frag_tiny_first', 1, [E(ip4('10.15.5.1', '10.15.5.2', 6, tcp(17, 18)[:8], ff=0x2000))])
# ---------------------------------------------------------------- IPv6 variants
case('ip6_hbh_rt_dst_tcp', 1, [E(ip6('2001:db8:10::1', '2001:db8:10::2', 0,
        ext6(43, b'\x01\x04\0\0\0\0') + rh6(60, 0, ['2001:db8:10::9']) + ext6(6, b'\x01\x04\0\0\0\0') + tcp(21, 22, b'x')), 0x86dd)])
case('ip6_srh_type4_udp', 1, [E(ip6('2001:db8:10::3', '2001:db8:10::4', 43, rh6(17, 4, ['2001:db8:10::8', '2001:db8:10::4']) + udp(23, 24)), 0x86dd)])
case('ip6_frag_first', 1, [E(ip6('2001:db8:10::5', '2001:db8:10::6', 44, frag6(17, 0, 1) + udp(25, 26, b'K' * 16, length=200)), 0x86dd)])
case('ip6_frag_nonfirst', 1, [E(ip6('2001:db8:10::7', '2001:db8:10::8', 44, frag6(17, 3, 0) + b'\x00\x19\x00\x1a' + b'L' * 20), 0x86dd)])
case('ip6_frag_atomic', 1, [E(ip6('2001:db8:10::9', '2001:db8:10::a', 44, frag6(6, 0, 0) + tcp(27, 28)), 0x86dd)])
case('ip6_ah_tcp', 1, [E(ip6('2001:db8:10::b', '2001:db8:10::c', 51, ah(6, tcp(29, 30, b'y'))), 0x86dd)])
case('ip4_ah_udp', 1, [E(ip4('10.16.0.1', '10.16.0.2', 51, ah(17, udp(31, 32, b'y'))))])
case('ip6_esp', 1, [E(ip6('2001:db8:10::d', '2001:db8:10::e', 50, struct.pack('!II', 0x200, 1) + b'\0' * 24), 0x86dd)])
case('ip4_esp', 1, [E(ip4('10.16.1.1', '10.16.1.2', 50, struct.pack('!II', 0x200, 1) + b'\0' * 24))])
case('ip6_hbh_dst_ah_udp', 1, [E(ip6('2001:db8:10::f', '2001:db8:10::10', 0, ext6(60) + ext6(51) + ah(17, udp(33, 34))), 0x86dd)])
case('ip6_dstopts_frag_first_tcp', 1, [E(ip6('2001:db8:10::11', '2001:db8:10::12', 60, ext6(44) + frag6(6, 0, 1) + tcp(35, 36, b'z' * 8)), 0x86dd)])
case('ip6_no_next_header', 1, [E(ip6('2001:db8:10::13', '2001:db8:10::14', 59, b''), 0x86dd)])
case('ip6_mobility_135', 1, [E(ip6('2001:db8:10::15', '2001:db8:10::16', 135, b'\x3b\x01\x05\x00\x00\x00' + b'\0' * 10), 0x86dd)])
case('ip6_shim6_140', 1, [E(ip6('2001:db8:10::17', '2001:db8:10::18', 140, b'\x06\x00\x80\x00\x00\x00\x00\x00' + tcp(1, 2)), 0x86dd)])
case('ip6_jumbogram', 1, [E(ip6('2001:db8:10::19', '2001:db8:10::1a', 0, b'\x11\x00' + b'\xc2\x04' + struct.pack('!I', 8 + 8 + 3) + udp(37, 38, b'jmb', length=0), plen=0), 0x86dd)])
case('ip6_plen0_nojumbo', 1, [E(ip6('2001:db8:10::1b', '2001:db8:10::1c', 17, udp(39, 40, b'q'), plen=0), 0x86dd)])
case('ip6_plen_larger_cut', 1, [(E(T6('2001:db8:10::1d', '2001:db8:10::1e', pl=b'B' * 100), 0x86dd)[:14 + 40 + 20], 1000)])
case('ip6_cut_mid_src', 1, [(E(T6('2001:db8:10::1f', '2001:db8:10::20'), 0x86dd)[:14 + 20], 100)])
case('ip6_cut_mid_dst', 1, [(E(T6('2001:db8:10::21', '2001:db8:10::22'), 0x86dd)[:14 + 30], 100)])
case('ip6_cut_after_hdr', 1, [(E(T6('2001:db8:10::23', '2001:db8:10::24'), 0x86dd)[:14 + 40], 100)])
case('ip6_cut_in_exthdr', 1, [(E(ip6('2001:db8:10::25', '2001:db8:10::26', 0, ext6(17) + udp(41, 42)), 0x86dd)[:14 + 44], 100)])
case('ip6_plen_smaller_padded', 1, [E(ip6('2001:db8:10::27', '2001:db8:10::28', 17, udp(43, 44, b'abcdef'), plen=8), 0x86dd) + b'\0' * 6])
case('ip6_version4_in_86dd_hdr', 1, [E(ip6('2001:db8:10::29', '2001:db8:10::2a', 17, udp(9, 10), ver=4), 0x86dd)])
case('ip6_hbh_not_first', 1, [E(ip6('2001:db8:10::2b', '2001:db8:10::2c', 60, ext6(0) + ext6(17) + udp(45, 46)), 0x86dd)])
case('ip6_exthdr_chain_long', 1, [E(ip6('2001:db8:10::2d', '2001:db8:10::2e', 60, ext6(60) + ext6(60) + ext6(60) + ext6(17) + udp(47, 48)), 0x86dd)])
# ---------------------------------------------------------------- tunnels
case('tun_4in4', 1, [E(ip4('10.17.0.1', '10.17.0.2', 4, T4('192.168.0.1', '192.168.0.2')))])
case('tun_6in4', 1, [E(ip4('10.17.1.1', '10.17.1.2', 41, U6('2001:db8:17::1', '2001:db8:17::2')))])
case('tun_4in6', 1, [E(ip6('2001:db8:17::3', '2001:db8:17::4', 4, U4('192.168.1.1', '192.168.1.2')), 0x86dd)])
case('tun_6in6', 1, [E(ip6('2001:db8:17::5', '2001:db8:17::6', 41, T6('2001:db8:18::1', '2001:db8:18::2')), 0x86dd)])
case('tun_gre_ipv4', 1, [E(ip4('10.17.2.1', '10.17.2.2', 47, gre(0x0800, U4('192.168.2.1', '192.168.2.2'))))])
case('tun_gre_key_seq_ipv6', 1, [E(ip4('10.17.3.1', '10.17.3.2', 47, gre(0x86dd, U6('2001:db8:19::1', '2001:db8:19::2'), key=5, seq=9)))])
case('tun_gre_eth_6558', 1, [E(ip4('10.17.4.1', '10.17.4.2', 47, gre(0x6558, eth(MD, MC, 0x0800, T4('192.168.4.1', '192.168.4.2')))))])
case('tun_gre_over_ipv6', 1, [E(ip6('2001:db8:17::7', '2001:db8:17::8', 47, gre(0x0800, U4('192.168.5.1', '192.168.5.2'))), 0x86dd)])
case('tun_gre_erspan2', 1, [E(ip4('10.17.5.1', '10.17.5.2', 47, struct.pack('!HHI', 0x1000, 0x88be, 1) + struct.pack('!II', 0x10010064, 0) + eth(MD, MC, 0x0800, U4('192.168.6.1', '192.168.6.2'))))])
case('tun_vxlan', 1, [E(ip4('10.17.6.1', '10.17.6.2', 17, udp(50000, 4789, b'\x08\0\0\0\0\0\x64\0' + eth(MD, MC, 0x0800, T4('192.168.7.1', '192.168.7.2')))))])
case('tun_gtpu', 1, [E(ip4('10.17.7.1', '10.17.7.2', 17, udp(2152, 2152, struct.pack('!BBHI', 0x30, 0xff, 28, 1) + U4('192.168.8.1', '192.168.8.2', pl=b''))))])
case('tun_l2tp_ppp_ipv4', 1, [E(ip4('10.17.8.1', '10.17.8.2', 17, udp(1701, 1701, struct.pack('!HHH', 0x0002, 1, 1) + b'\xff\x03\x00\x21' + U4('192.168.9.1', '192.168.9.2'))))])
case('tun_teredo', 1, [E(ip4('10.17.9.1', '10.17.9.2', 17, udp(3544, 50001, U6('2001:0:1::1', '2001:0:1::2'))))])
case('tun_teredo_src_port', 1, [E(ip4('10.17.10.1', '10.17.10.2', 17, udp(50002, 3544, T6('2001:0:1::3', '2001:0:1::4'))))])
case('tun_geneve', 1, [E(ip4('10.17.11.1', '10.17.11.2', 17, udp(50003, 6081, b'\x00\x00\x65\x58\x00\x00\x01\x00' + eth(MD, MC, 0x0800, U4('192.168.10.1', '192.168.10.2')))))])
case('tun_mpls_in_gre', 1, [E(ip4('10.17.12.1', '10.17.12.2', 47, gre(0x8847, mpls([300], U4('192.168.11.1', '192.168.11.2')))))])
case('tun_mpls_in_udp_6635', 1, [E(ip4('10.17.13.1', '10.17.13.2', 17, udp(50004, 6635, mpls([400], U4('192.168.12.1', '192.168.12.2')))))])
# Tunnels and mirror sessions opened to the innermost packet (see PacketDecoder.Tunnels.cs), their nestings and near misses.
def vxlan(inner_eth, vni=100, flags=0x08): return struct.pack('!B3sI', flags, b'\0\0\0', vni << 8) + inner_eth
def geneve(proto, inner, vni=7, opts=b''):
    assert len(opts) % 4 == 0
    return struct.pack('!BBHI', len(opts) // 4, 0, proto, vni << 8) + opts + inner
def erspan2(inner_eth, session=0x65, vlan=0): return struct.pack('!HHI', 0x1000 | vlan, session, 0) + inner_eth
def erspan3(inner_eth, session=0x66, sub=None):
    o = 1 if sub is not None else 0
    return struct.pack('!HHIHH', 0x2000, session, 0x12345678, 0, o) + (sub or b'') + inner_eth
def gre_seq(proto, payload, seq=1): return struct.pack('!HHI', 0x1000, proto, seq) + payload
def gre1(payload, call=0x77, seq=None, ack=None):
    flags = 0x2001 | (0x1000 if seq is not None else 0) | (0x0080 if ack is not None else 0)
    b = struct.pack('!HHHH', flags, 0x880b, len(payload), call)
    if seq is not None: b += struct.pack('!I', seq)
    if ack is not None: b += struct.pack('!I', ack)
    return b + payload
def E40(i, payload, proto): return E(ip4('10.40.%d.1' % i, '10.40.%d.2' % i, proto, payload))
case('tun_vxlan_linux_8472', 1, [E40(1, udp(50010, 8472, vxlan(eth(MD, MC, 0x0800, U4('192.168.41.1', '192.168.41.2')))), 17)])
case('tun_vxlan_both_ways', 1, [E(ip4('10.40.2.1', '10.40.2.2', 17, udp(50011, 4789, vxlan(eth(MD, MC, 0x0800, T4('192.168.42.1', '192.168.42.2', 40000, 443)))))),
                                E(ip4('10.40.2.2', '10.40.2.1', 17, udp(50012, 4789, vxlan(eth(MC, MD, 0x0800, T4('192.168.42.2', '192.168.42.1', 443, 40000))))), dst=MA, src=MB)])
case('tun_vxlan_inner_vlan_arp', 1, [E40(3, udp(50013, 4789, vxlan(eth_tags(MD, MC, [0x8100], 0x0806, arp()))), 17)])
case('tun_vxlan_iflag_clear', 1, [E40(4, udp(50014, 4789, vxlan(eth(MD, MC, 0x0800, U4('192.168.44.1', '192.168.44.2')), flags=0)), 17)])
case('tun_vxlan_inner_cut', 1, [E40(5, udp(50015, 4789, vxlan(b'\x02' * 10)), 17)])
case('tun_vxlan_over_ipv6', 1, [E(ip6('2001:db8:40::1', '2001:db8:40::2', 17, udp(50016, 4789, vxlan(eth(MD, MC, 0x86dd, U6('2001:db8:41::1', '2001:db8:41::2'))))), 0x86dd)])
case('tun_geneve_options', 1, [E40(7, udp(50017, 6081, geneve(0x6558, eth(MD, MC, 0x0800, U4('192.168.47.1', '192.168.47.2')), opts=b'\x01\x02\x03\x01' + b'\0' * 4)), 17)])
case('tun_geneve_ipv4', 1, [E40(8, udp(50018, 6081, geneve(0x0800, T4('192.168.48.1', '192.168.48.2'))), 17)])
case('tun_erspan1', 1, [E40(9, gre(0x88be, eth(MD, MC, 0x0800, U4('192.168.49.1', '192.168.49.2'))), 47)])
case('tun_erspan2_vlan_inner', 1, [E40(10, gre_seq(0x88be, erspan2(eth_tags(MD, MC, [0x8100], 0x0800, T4('192.168.50.1', '192.168.50.2')), vlan=5)), 47)])
case('tun_erspan3', 1, [E40(11, gre_seq(0x22eb, erspan3(eth(MD, MC, 0x0800, U4('192.168.51.1', '192.168.51.2')))), 47)])
case('tun_erspan3_subheader', 1, [E40(12, gre_seq(0x22eb, erspan3(eth(MD, MC, 0x0800, U4('192.168.52.1', '192.168.52.2')), sub=b'\x00' * 8)), 47)])
case('tun_nvgre', 1, [E40(13, gre(0x6558, eth(MD, MC, 0x0800, U4('192.168.53.1', '192.168.53.2')), key=(5000 << 8) | 1), 47)])
case('tun_pptp', 1, [E40(14, gre1(b'\xff\x03\x00\x21' + T4('192.168.54.1', '192.168.54.2'), seq=3, ack=2), 47)])
case('tun_pptp_acfc_pfc', 1, [E40(15, gre1(b'\x21' + U4('192.168.55.1', '192.168.55.2'), seq=4), 47)])
case('tun_pptp_lcp_stays_outer', 1, [E40(16, gre1(b'\xff\x03\xc0\x21\x01\x01\x00\x04', seq=5), 47)])
case('tun_gre_unknown_protocol_stays_outer', 1, [E40(17, gre(0x1234, b'\0' * 20), 47)])
case('tun_teredo_origin_indication', 1, [E40(18, udp(3544, 50019, b'\x00\x00' + b'\xff' * 6 + U6('2001:0:2::1', '2001:0:2::2')), 17)])
case('tun_teredo_not_ipv6_stays_udp', 1, [E40(19, udp(3544, 50020, b'hello, not IPv6 at all, long enough to be a header maybe'), 17)])
case('tun_dns_from_port_4789_is_dns', 1, [E40(20, udp(4789, 53, b'\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01a\x00\x00\x01\x00\x01'), 17)])
case('tun_gre_in_vxlan', 1, [E40(21, udp(50021, 4789, vxlan(eth(MD, MC, 0x0800, ip4('10.41.21.1', '10.41.21.2', 47, gre(0x0800, U4('192.168.61.1', '192.168.61.2')))))), 17)])
case('tun_vxlan_in_erspan2', 1, [E40(22, gre_seq(0x88be, erspan2(eth(MD, MC, 0x0800, ip4('10.41.22.1', '10.41.22.2', 17, udp(50022, 4789, vxlan(eth(MB, MA, 0x0800, T4('192.168.62.1', '192.168.62.2')))))))), 47)])
case('tun_teredo_in_gre', 1, [E40(23, gre(0x0800, ip4('10.41.23.1', '10.41.23.2', 17, udp(50023, 3544, U6('2001:0:3::1', '2001:0:3::2')))), 47)])
case('tun_4in4_in_geneve', 1, [E40(24, udp(50024, 6081, geneve(0x6558, eth(MD, MC, 0x0800, ip4('10.41.24.1', '10.41.24.2', 4, T4('192.168.64.1', '192.168.64.2'))))), 17)])
case('tun_6in4_in_vxlan_in_gre', 1, [E40(25, gre(0x0800, ip4('10.41.25.1', '10.41.25.2', 17, udp(50025, 4789, vxlan(eth(MD, MC, 0x0800, ip4('10.42.25.1', '10.42.25.2', 41, U6('2001:db8:65::1', '2001:db8:65::2'))))))), 47)])
case('tun_vxlan_snap_cut_inner_tcp', 1, [(E40(26, udp(50026, 4789, vxlan(eth(MD, MC, 0x0800, T4('192.168.66.1', '192.168.66.2')))), 17)[:14 + 20 + 8 + 8 + 14 + 20 + 2], 200)])
# ---------------------------------------------------------------- ICMP
case('icmp_unreach_quote_udp', 1, [E(ip4('10.18.0.1', '10.18.0.2', 1, icmp(3, 3, U4('10.18.0.2', '10.18.0.1', 5000, 53, b'')[:28])))])
case('icmp_ttl_quote_tcp', 1, [E(ip4('10.18.1.1', '10.18.1.2', 1, icmp(11, 0, T4('10.18.1.2', '10.18.1.99', 6000, 80)[:28])))])
case('icmp_echo', 1, [E(ip4('10.18.2.1', '10.18.2.2', 1, icmp(8, 0, b'ping')))])
case('icmp6_echo', 1, [E(ip6('2001:db8:18::1', '2001:db8:18::2', 58, icmp(128, 0, b'ping')), 0x86dd)])
case('icmp6_unreach_quote_udp', 1, [E(ip6('2001:db8:18::3', '2001:db8:18::4', 58, icmp(1, 4, U6('2001:db8:18::4', '2001:db8:18::99', 7000, 53))), 0x86dd)])
case('icmp6_ns', 1, [E(ip6('fe80::1', 'ff02::1:ff00:2', 58, icmp(135, 0, a6('fe80::2'))), 0x86dd, dst=mac('33:33:ff:00:00:02'))])
# ---------------------------------------------------------------- MPLS / PPPoE / ARP
case('mpls_3labels_ipv4', 1, [E(mpls([100, 200, 300], T4('10.19.0.1', '10.19.0.2')), 0x8847)])
case('mpls_2labels_ipv6', 1, [E(mpls([100, 200], U6('2001:db8:19::1', '2001:db8:19::2')), 0x8847)])
case('mpls_explicit_null_v6', 1, [E(mpls([2], U6('2001:db8:19::3', '2001:db8:19::4')), 0x8847)])
case('mpls_multicast_8848', 1, [E(mpls([500], U4('10.19.1.1', '239.1.1.1')), 0x8848)])
case('mpls_pw_cw_eth', 1, [E(mpls([100, 200], b'\0\0\0\0' + eth(MD, MC, 0x0800, U4('10.19.2.1', '10.19.2.2'))), 0x8847)])
case('mpls_pw_nocw_eth', 1, [E(mpls([100, 201], eth(MD, MC, 0x0800, U4('10.19.3.1', '10.19.3.2'))), 0x8847)])
case('mpls_vlan_then_mpls', 1, [eth_tags(MB, MA, [0x8100], 0x8847, mpls([77], U4('10.19.4.1', '10.19.4.2')))])
case('pppoe_discovery_padi', 1, [E(b'\x11\x09\x00\x00\x00\x04\x01\x01\x00\x00', 0x8863, dst=b'\xff' * 6)])
case('pppoe_session_ipv6', 1, [E(b'\x11\x00\x00\x01' + struct.pack('!H', 2 + 40 + 14) + b'\x00\x57' + U6('2001:db8:1a::1', '2001:db8:1a::2'), 0x8864)])
case('pppoe_session_ipv4_vlan', 1, [eth_tags(MB, MA, [0x8100], 0x8864, b'\x11\x00\x00\x01' + struct.pack('!H', 2 + 33) + b'\x00\x21' + U4('10.19.5.1', '10.19.5.2'))])
case('pppoe_session_len_short', 1, [E(b'\x11\x00\x00\x01' + struct.pack('!H', 10) + b'\x00\x21' + U4('10.19.6.1', '10.19.6.2'), 0x8864)])
case('arp_request_reply', 1, [E(arp(1), 0x0806, dst=b'\xff' * 6), E(arp(2), 0x0806, dst=MA, src=MB)])
case('rarp_8035', 1, [E(arp(3), 0x8035, dst=b'\xff' * 6)])
# ---------------------------------------------------------------- non TCP/UDP transports / bad L4
case('sctp', 1, [E(ip4('10.20.0.1', '10.20.0.2', 132, struct.pack('!HHII', 36412, 36412, 0, 0) + b'\x01\x00\x00\x14' + b'\0' * 16))])
case('dccp', 1, [E(ip4('10.20.1.1', '10.20.1.2', 33, struct.pack('!HHBBHI', 5001, 5002, 4, 0, 0, 0) + b'\0' * 4))])
case('udplite', 1, [E(ip4('10.20.2.1', '10.20.2.2', 136, struct.pack('!HHHH', 5003, 5004, 8, 0) + b'lite'))])
case('udplite_v6', 1, [E(ip6('2001:db8:20::1', '2001:db8:20::2', 136, struct.pack('!HHHH', 5005, 5006, 0, 0) + b'lite'), 0x86dd)])
case('tcp_doff_lt5', 1, [E(ip4('10.20.3.1', '10.20.3.2', 6, tcp(5007, 5008, doff=3)))])
case('tcp_doff_0', 1, [E(ip4('10.20.4.1', '10.20.4.2', 6, tcp(5009, 5010, doff=0)))])
case('tcp_doff_exceeds', 1, [E(ip4('10.20.5.1', '10.20.5.2', 6, struct.pack('!HHIIBBHHH', 5011, 5012, 1, 0, 0xf0, 0x18, 1, 0, 0)))])
case('tcp_v6_doff_lt5', 1, [E(ip6('2001:db8:20::3', '2001:db8:20::4', 6, tcp(5013, 5014, doff=4)), 0x86dd)])
case('udp_len0_v4', 1, [E(ip4('10.20.6.1', '10.20.6.2', 17, udp(5015, 5016, b'data', length=0)))])
case('udp_len0_v6', 1, [E(ip6('2001:db8:20::5', '2001:db8:20::6', 17, udp(5017, 5018, b'data', length=0)), 0x86dd)])
case('udp_len_lt8', 1, [E(ip4('10.20.7.1', '10.20.7.2', 17, udp(5019, 5020, b'data', length=4)))])
case('udp_len_gt_ip', 1, [E(ip4('10.20.8.1', '10.20.8.2', 17, udp(5021, 5022, b'data', length=400)))])
case('tcp_short_in_ip_tl', 1, [E(ip4('10.20.9.1', '10.20.9.2', 6, tcp(5023, 5024)[:10]))])
case('udp_short_in_ip_tl', 1, [E(ip4('10.20.10.1', '10.20.10.2', 17, udp(5025, 5026)[:4]))])
case('tcp_ip_tl_cuts_tcp', 1, [E(ip4('10.20.11.1', '10.20.11.2', 6, tcp(5027, 5028, b'x' * 20), tl=30))])
case('igmp', 1, [E(ip4('10.20.12.1', '224.0.0.1', 2, b'\x11\x64\0\0\0\0\0\0'))])
case('ospf', 1, [E(ip4('10.20.13.1', '224.0.0.5', 89, b'\x02\x01\x00\x2c' + b'\0' * 40))])
case('ip4_proto255', 1, [E(ip4('10.20.14.1', '10.20.14.2', 255, b'raw'))])
# ---------------------------------------------------------------- short / empty frames
for n in (0, 1, 6, 11, 12, 13):
    case('eth_short_%d' % n, 1, [(MB + MA + b'\x08\x00')[:n]])
case('eth_caplen0_len60', 1, [(b'', 60)])
case('eth_caplen12_len60', 1, [((MB + MA), 60)])
case('eth_caplen13_len60', 1, [((MB + MA + b'\x08'), 60)])
case('eth_caplen14_len60', 1, [((MB + MA + b'\x08\x00'), 60)])
case('eth_mixed_short_and_good', 1, [(MB + MA)[:7], E(U4('10.21.0.1', '10.21.0.2')), (b'', 1500)])
case('raw101_caplen0', 101, [(b'', 40)])
case('null0_short3', 0, [b'\x02\x00\x00'])
case('sll113_short', 113, [b'\x00\x00\x00\x01\x00\x06' + MA])
# ---------------------------------------------------------------- 802.11 (105)
def wlan(fc0, fc1, a1, a2, a3, body, a4_=None, qos=None, htc=None):
    h = struct.pack('<BBH', fc0, fc1, 0) + a1 + a2 + a3 + struct.pack('<H', 0x10)
    if a4_ is not None: h += a4_
    if qos is not None: h += struct.pack('<H', qos)
    if htc is not None: h += struct.pack('<I', htc)
    return h + body
SNAPIP4 = llc_snap(0x0800)
case('wlan105_data_tods', 105, [wlan(0x08, 0x01, MC, MA, MB, SNAPIP4 + U4('10.22.0.1', '10.22.0.2'))])
case('wlan105_data_fromds', 105, [wlan(0x08, 0x02, MB, MC, MA, SNAPIP4 + T4('10.22.1.1', '10.22.1.2'))])
case('wlan105_qos_data', 105, [wlan(0x88, 0x01, MC, MA, MB, SNAPIP4 + U4('10.22.2.1', '10.22.2.2'), qos=0x0005)])
case('wlan105_wds_4addr_qos', 105, [wlan(0x88, 0x03, MC, MD, MB, llc_snap(0x86dd) + U6('2001:db8:22::1', '2001:db8:22::2'), a4_=MA, qos=0)])
case('wlan105_wds_4addr_nonqos', 105, [wlan(0x08, 0x03, MC, MD, MB, SNAPIP4 + T4('10.22.3.1', '10.22.3.2'), a4_=MA)])
case('wlan105_protected_encrypted', 105, [wlan(0x88, 0x41, MC, MA, MB, b'\x01\x00\x00\x20\x00\x00\x00\x00' + bytes(range(40)), qos=0)])
case('wlan105_protected_plaintext_snap', 105, [wlan(0x08, 0x41, MC, MA, MB, SNAPIP4 + U4('10.22.4.1', '10.22.4.2'))])
case('wlan105_null_data', 105, [wlan(0x48, 0x01, MC, MA, MC, b'')])
case('wlan105_qos_null', 105, [wlan(0xc8, 0x01, MC, MA, MC, b'', qos=0)])
case('wlan105_qos_htc_order', 105, [wlan(0x88, 0x81, MC, MA, MB, SNAPIP4 + U4('10.22.5.1', '10.22.5.2'), qos=0, htc=0x00000000)])
def amsdu_sub(da, sa, payload):
    b = da + sa + struct.pack('!H', len(payload)) + payload
    return b
s1 = amsdu_sub(MB, MA, SNAPIP4 + U4('10.22.6.1', '10.22.6.2'))
s2 = amsdu_sub(MB, MA, SNAPIP4 + U4('10.22.6.3', '10.22.6.4'))
case('wlan105_amsdu', 105, [wlan(0x88, 0x01, MC, MA, MB, s1 + b'\0' * (-len(s1) % 4) + s2, qos=0x0080)])
case('wlan105_data_cfack_subtype1', 105, [wlan(0x18, 0x02, MB, MC, MA, SNAPIP4 + U4('10.22.7.1', '10.22.7.2'))])
case('wlan105_qos_snap_ipv6_fromds', 105, [wlan(0x88, 0x02, MB, MC, MA, llc_snap(0x86dd) + T6('2001:db8:22::3', '2001:db8:22::4'), qos=0x0006)])
case('wlan105_snap_arp', 105, [wlan(0x08, 0x01, MC, MA, b'\xff' * 6, llc_snap(0x0806) + arp())])
case('wlan105_mesh_qos', 105, [wlan(0x88, 0x03, MC, MD, MB, b'\x00\x05\x01\0\0\0' + SNAPIP4 + U4('10.22.8.1', '10.22.8.2'), a4_=MA, qos=0x0100)])
# radiotap (127) wrapping QoS + A-MSDU
def radiotap(body): return struct.pack('<BBHI', 0, 0, 8, 0) + body
case('radiotap127_qos_data', 127, [radiotap(wlan(0x88, 0x01, MC, MA, MB, SNAPIP4 + U4('10.22.9.1', '10.22.9.2'), qos=0))])
case('radiotap127_wds', 127, [radiotap(wlan(0x08, 0x03, MC, MD, MB, SNAPIP4 + U4('10.22.10.1', '10.22.10.2'), a4_=MA))])
# ---------------------------------------------------------------- container variants
case('pcap_modified_kuznetsov', 1, None)   # special
case('pcapng_spb_snaplen', 1, None)         # special
case('pcapng_obsolete_pb', 1, None)         # special
case('pcapng_mixed_new_linktypes', 1, None) # special
case('pcap_caplen_gt_snaplen', 1, [E(U4('10.23.0.1', '10.23.0.2', pl=b'Z' * 100))], snaplen=64)
case('pcap_snaplen0', 1, [E(U4('10.23.1.1', '10.23.1.2'))], snaplen=0)
case('pcap_be_ppp', 9, [b'\xff\x03\x00\x21' + U4('10.23.2.1', '10.23.2.2')], be=True)
case('pcap_linktype_with_fcs_bits', 0x50000001, [E(U4('10.23.3.1', '10.23.3.2')) + b'\xde\xad\xbe\xef'])


# ---------------------------------------------------------------- round 2 additions
MK1, MK2 = mac('00:00:0c:11:22:33'), mac('00:1b:21:44:55:66')    # known OUIs (Cisco, Intel) for pw-eth heuristics
case('mpls_pw_cw_eth_knownoui', 1, [E(mpls([100, 200], b'\0\0\0\0' + eth(MK1, MK2, 0x0800, U4('10.19.7.1', '10.19.7.2'))), 0x8847)])
case('mpls_pw_nocw_eth_knownoui', 1, [E(mpls([100, 201], eth(MK1, MK2, 0x0800, U4('10.19.8.1', '10.19.8.2'))), 0x8847)])
def isl(inner):
    hdr = mac('01:00:0c:00:00:00') + MA + struct.pack('!H', len(inner) + 12) + b'\xaa\xaa\x03' + MA[:3] + struct.pack('!HHH', 20 << 1, 0, 0)
    return hdr + inner + b'\0\0\0\0'
case('eth_isl_eth_ipv4', 1, [isl(eth(MK1, MK2, 0x0800, U4('10.25.0.1', '10.25.0.2')))])
case('eth_isl_dst_ethertype0800', 1, [eth(mac('01:00:0c:00:00:00'), MA, 0x0800, U4('10.25.1.1', '10.25.1.2'))])
JL = 70000
jpl = udp(37, 38, b'jmb', length=0)
case('ip6_jumbogram_real', 1, [(E(ip6('2001:db8:10::31', '2001:db8:10::32', 0, b'\x11\x00' + b'\xc2\x04' + struct.pack('!I', 8 + JL) + jpl, plen=0), 0x86dd), 14 + 40 + 8 + JL)])
case('ip6_jumbogram_tcp_real', 1, [(E(ip6('2001:db8:10::33', '2001:db8:10::34', 0, b'\x06\x00' + b'\xc2\x04' + struct.pack('!I', 8 + JL) + tcp(39, 40), plen=0), 0x86dd), 14 + 40 + 8 + JL)])
case('ip6_plen0_tso_tcp', 1, [E(ip6('2001:db8:10::35', '2001:db8:10::36', 6, tcp(41, 42, b'tso'), plen=0), 0x86dd)])
case('ip4_tl0_tso_udp', 1, [E(ip4('10.25.2.1', '10.25.2.2', 17, udp(43, 44, b'tso'), tl=0))])
case('netanalyzer240_eth_v2', 240, [b'\x01\x00\x00\x00' + E(U4('10.12.1.3', '10.12.1.4')) + b'\0' * 4])
case('docsis143_eth_v2', 143, [b'\x00\x00' + struct.pack('!H', 42 + 4) + b'\0\0' + E(U4('10.12.5.3', '10.12.5.4')) + b'\0' * 4])
case('raw14_openbsd_ipv4', 14, [U4('10.25.3.1', '10.25.3.2')])
case('raw12_ipv6', 12, [U6('2001:db8:25::1', '2001:db8:25::2')])
case('slip8_ipv4', 8, [b'\x00' + b'\0' * 15 + U4('10.25.4.1', '10.25.4.2')])
case('sunatm123_snap_ipv4', 123, [b'\x02\x00\x00\x20' + llc_snap(0x0800) + U4('10.25.5.1', '10.25.5.2')])
def erf_eth(fr):
    rlen = 16 + 2 + len(fr)
    return struct.pack('<Q', 0) + struct.pack('!BBHHH', 2, 0x04, rlen, 0, len(fr)) + b'\0\0' + fr
case('erf197_eth_ipv4', 197, [erf_eth(E(U4('10.25.6.1', '10.25.6.2')))])
def exported_pdu(proto, payload):
    t = proto.encode() + b'\0'
    tags = struct.pack('!HH', 12, len(pad4(t))) + pad4(t) + struct.pack('!HH', 0, 0)
    return tags + payload
case('upperpdu252_ip', 252, [exported_pdu('ip', U4('10.25.7.1', '10.25.7.2'))])
case('sll113_proto0003_eth', 113, [sll(0x0003, E(U4('10.25.8.1', '10.25.8.2')))])
case('sll113_radiotap_803', 113, [sll(0x0019, radiotap(wlan(0x88, 0x01, MC, MA, MB, SNAPIP4 + U4('10.25.9.1', '10.25.9.2'), qos=0)), hatype=803)])
case('sll113_ieee80211_801', 113, [sll(0x0019, wlan(0x08, 0x01, MC, MA, MB, SNAPIP4 + U4('10.25.9.3', '10.25.9.4')), hatype=801)])
case('sll113_ppp_512', 113, [sll(0x0800, U4('10.25.10.1', '10.25.10.2'), hatype=512, addr=b'')])
case('sll113_frad_770', 113, [sll(0x0800, U4('10.25.10.3', '10.25.10.4'), hatype=770, addr=b'')])
case('sll113_none_65534', 113, [sll(0x86dd, U6('2001:db8:25::3', '2001:db8:25::4'), hatype=65534, addr=b'')])
case('sll113_tunnel6_769', 113, [sll(0x86dd, U6('2001:db8:25::5', '2001:db8:25::6'), hatype=769, addr=b'')])
def prism(body):
    return struct.pack('<II', 0x41, 144) + b'wlan0'.ljust(16, b'\0') + b'\0' * (144 - 24) + body
case('prism119_qos_ipv4', 119, [prism(wlan(0x88, 0x01, MC, MA, MB, SNAPIP4 + U4('10.25.11.1', '10.25.11.2'), qos=0))])
def avs(body):
    return struct.pack('!II', 0x80211001, 64) + b'\0' * 56 + body
case('avs163_data_ipv4', 163, [avs(wlan(0x08, 0x01, MC, MA, MB, SNAPIP4 + U4('10.25.12.1', '10.25.12.2')))])
case('eth_vntag_8926', 1, [eth(MB, MA, 0x8926, struct.pack('!I', 0x00010002) + struct.pack('!H', 0x0800) + U4('10.25.13.1', '10.25.13.2'))])
case('eth_etag_893f', 1, [eth(MB, MA, 0x893f, b'\0' * 6 + struct.pack('!H', 0x0800) + U4('10.25.14.1', '10.25.14.2'))])
case('eth_cmd_8909', 1, [eth(MB, MA, 0x8909, b'\x01\x01\x00\x01\x00\x64' + struct.pack('!H', 0x0800) + U4('10.25.15.1', '10.25.15.2'))])
case('eth_nsh_894f_ipv4', 1, [eth(MB, MA, 0x894f, struct.pack('!HBB', 0x0fc2, 0x02, 0x01) + struct.pack('!I', 0x00000aff) + b'\0' * 16 + U4('10.25.16.1', '10.25.16.2'))])
case('eth_rtag_f1c1', 1, [eth(MB, MA, 0xf1c1, b'\0\0\0\x05' + struct.pack('!H', 0x0800) + U4('10.25.17.1', '10.25.17.2'))])
case('gre_checksum_flag', 1, [E(ip4('10.17.14.1', '10.17.14.2', 47, struct.pack('!HHHH', 0x8000, 0x0800, 0, 0) + U4('192.168.14.1', '192.168.14.2')))])
case('gre_eth_vlan_inner', 1, [E(ip4('10.17.15.1', '10.17.15.2', 47, gre(0x6558, eth_tags(MD, MC, [0x8100], 0x0800, T4('192.168.15.1', '192.168.15.2')))))])
case('ip4_opt_len0', 1, [E(ip4('10.26.0.1', '10.26.0.2', 17, udp(1, 2), opts=b'\x07\x00\x00\x00'))])
case('ip4_opt_len1', 1, [E(ip4('10.26.1.1', '10.26.1.2', 17, udp(1, 2), opts=b'\x44\x01\x00\x00'))])
case('ip4_opt_len_overrun', 1, [E(ip4('10.26.2.1', '10.26.2.2', 17, udp(1, 2), opts=b'\x83\xff\x00\x00'))])
case('ip6_hbh_len_overrun', 1, [E(ip6('2001:db8:26::1', '2001:db8:26::2', 0, b'\x11\xff' + b'\0' * 6 + udp(3, 4)), 0x86dd)])
case('ip6_hbh_opt_len_overrun', 1, [E(ip6('2001:db8:26::3', '2001:db8:26::4', 0, b'\x11\x00\x05\xff\x00\x00\x00\x00' + udp(3, 4)), 0x86dd)])
def nest44(n, inner):
    for i in range(n): inner = ip4('10.27.%d.1' % (i % 250), '10.27.%d.2' % (i % 250), 4, inner)
    return inner
case('deep_4in4_300', 1, [E(nest44(300, U4('192.168.27.1', '192.168.27.2')))])
case('deep_vlan_500', 1, [eth_tags(MB, MA, [0x8100] * 500, 0x0800, U4('10.27.255.1', '10.27.255.2'))])
case('mpls_no_bos', 1, [E(struct.pack('!I', (100 << 12) | 64) * 400, 0x8847)])
def nestgre(n, inner):
    for i in range(n): inner = ip4('10.28.%d.1' % (i % 250), '10.28.%d.2' % (i % 250), 47, gre(0x0800, inner))
    return inner
case('deep_gre_200', 1, [E(nestgre(200, U4('192.168.28.1', '192.168.28.2')))])
def nestvx(n, inner_eth):
    for i in range(n): inner_eth = eth(MD, MC, 0x0800, ip4('10.29.%d.1' % (i % 250), '10.29.%d.2' % (i % 250), 17, udp(50000, 4789, b'\x08\0\0\0\0\0\x64\0' + inner_eth)))
    return inner_eth
case('deep_vxlan_100', 1, [nestvx(100, eth(MD, MC, 0x0800, U4('192.168.29.1', '192.168.29.2')))])
case('ppp9_deep_pppoe_in_l2tp', 1, [E(ip4('10.17.16.1', '10.17.16.2', 17, udp(1701, 1701, struct.pack('!HHH', 0x0002, 1, 1) + b'\xff\x03\x00\x57' + U6('2001:db8:27::1', '2001:db8:27::2'))))])
case('wlan105_amsdu_only', 105, [wlan(0x88, 0x01, MC, MA, MB, s1, qos=0x0080)])
case('radiotap127_amsdu', 127, [radiotap(wlan(0x88, 0x01, MC, MA, MB, s1, qos=0x0080))])
case('wlan105_mesh_qos_fromds', 105, [wlan(0x88, 0x02, MB, MC, MA, b'\x00\x05\x01\0\0\0' + SNAPIP4 + U4('10.22.8.3', '10.22.8.4'), qos=0x0100)])
case('wlan105_snap_8021q', 105, [wlan(0x08, 0x01, MC, MA, MB, llc_snap(0x8100) + struct.pack('!HH', 5, 0x0800) + U4('10.22.11.1', '10.22.11.2'))])
case('wlan105_bridge_tunnel_oui', 105, [wlan(0x08, 0x01, MC, MA, MB, llc_snap(0x0800, b'\x00\x00\xf8') + U4('10.22.12.1', '10.22.12.2'))])
case('wlan105_llc_sap06_ip', 105, [wlan(0x08, 0x01, MC, MA, MB, b'\x06\x06\x03' + U4('10.22.13.1', '10.22.13.2'))])
case('null0_af2_bepcap_ppp', 0, [b'\xff\x03\x00\x21' + U4('10.5.11.1', '10.5.11.2')], be=True)
case('ppp9_ipv6_pfc', 9, [b'\xff\x03\x57' + U6('2001:db8:1::3', '2001:db8:1::4')])
case('ppp9_ip_pfc_hdlc_esc', 50, [b'\xff\x03\x21' + U4('10.2.4.1', '10.2.4.2')])
case('ppp9_mpls_ipv6', 9, [b'\xff\x03\x02\x81' + mpls([100], U6('2001:db8:1::5', '2001:db8:1::6'))])
case('ppp9_compressed_vj_2d', 9, [b'\xff\x03\x00\x2d' + b'\x0f\x01\x00\x00\x00'])
case('ppphdlc50_mixed_ff03_and_not', 50, [b'\xff\x03\x00\x21' + U4('10.2.5.1', '10.2.5.2'), b'\x00\x21' + U4('10.2.5.3', '10.2.5.4')])
case('eth_8023_llc_sap06_len_pad', 1, [eth8023(MB, MA, b'\x06\x06\x03' + U4('10.13.12.3', '10.13.12.4', pl=b'')) + b'\0' * 6])
case('eth_8023_len_exceeds', 1, [eth8023(MB, MA, llc_snap(0x0800) + U4('10.13.13.1', '10.13.13.2'), length=1400)])
case('eth_8023_len_short_cuts_ip', 1, [eth8023(MB, MA, llc_snap(0x0800) + U4('10.13.14.1', '10.13.14.2'), length=20)])
case('eth_vlan_len_short_cuts_ip', 1, [MB + MA + struct.pack('!HH', 0x8100, 5) + struct.pack('!H', 20) + llc_snap(0x0800) + U4('10.13.15.1', '10.13.15.2')])
case('eth_len_field_1500_vs_1536', 1, [eth(MB, MA, 0x05ff, llc_snap(0x0800) + U4('10.13.16.1', '10.13.16.2'))])
case('eth_type_0600_xns', 1, [eth(MB, MA, 0x0600, U4('10.13.17.1', '10.13.17.2'))])


# ---------------------------------------------------------------- round 3: address text forms
ADDR_FORMS = ['::ffff:10.0.0.1', '::10.0.0.1', '::ffff:0:10.0.0.1', '64:ff9b::10.0.0.1', '2001:db8:0:1:1:1:1:1',
              '2001:db8:0:0:1:0:0:1', '1::', '::', '::2', '::1:0:0:0:0', '::ffff:0.0.0.0', '::0.0.0.1', '2002:a00:1::1',
              'fe80::200:5eff:fe00:5301', 'ff02::1', '::ffff:255.255.255.255', '0:0:1::', '1:0:0:2::', '2001:db8::ffff:0:1']
for i, a in enumerate(ADDR_FORMS):
    case('addrfmt_%02d' % i, 101, [ip6(a, '2001:db8:99::%x' % (i + 1), 17, udp(100 + i, 200 + i, b'a'))])
case('addrfmt_all', 101, [ip6(a, '2001:db8:99::%x' % (i + 1), 17, udp(100 + i, 200 + i, b'a')) for i, a in enumerate(ADDR_FORMS)])
case('addrfmt_v4_edge', 101, [ip4('0.0.0.0', '255.255.255.255', 17, udp(68, 67, b'd')), ip4('127.0.0.1', '224.0.0.251', 17, udp(5353, 5353, b'm'))])
# truncation on other link types
case('null0_cut_in_ip', 0, [(struct.pack('<I', 2) + T4('10.30.0.1', '10.30.0.2')[:15], 100)])
case('null0_cut_after_ports', 0, [(struct.pack('<I', 2) + T4('10.30.1.1', '10.30.1.2')[:24], 100)])
case('sll113_cut_in_ipv6', 113, [(sll(0x86dd, U6('2001:db8:30::1', '2001:db8:30::2'))[:16 + 30], 200)])
case('ppp9_cut_after_iphdr', 9, [(b'\xff\x03\x00\x21' + T4('10.30.2.1', '10.30.2.2')[:20], 100)])
case('wlan105_cut_in_ip', 105, [(wlan(0x08, 0x01, MC, MA, MB, SNAPIP4 + U4('10.30.3.1', '10.30.3.2'))[:24 + 8 + 14], 200)])
case('wlan105_cut_after_ports', 105, [(wlan(0x88, 0x01, MC, MA, MB, SNAPIP4 + U4('10.30.4.1', '10.30.4.2'), qos=0)[:26 + 8 + 24], 200)])


# ---------------------------------------------------------------- round 4: PPP truncation probes
_pf = b'\xff\x03\x00\x21' + T4('10.31.0.1', '10.31.0.2', pl=b'P' * 20)
case('ppp9_trunc_full_ip_olen_bigger', 9, [(_pf, len(_pf) + 100)])
case('ppp9_trunc_after_ports', 9, [(_pf[:4 + 24], len(_pf))])
case('ppp9_trunc_mid_tcp', 9, [(_pf[:4 + 32], len(_pf))])
case('ppp9_trunc_mid_payload', 9, [(_pf[:4 + 45], len(_pf))])
case('ppp9_trunc_one_byte', 9, [(_pf[:-1], len(_pf))])
case('ppp9_iptl_gt_frame', 9, [b'\xff\x03\x00\x21' + ip4('10.31.1.1', '10.31.1.2', 17, udp(1, 2, b'x'), tl=300)])
case('ppp9_noaddr_trunc', 9, [((b'\x00\x21' + T4('10.31.2.1', '10.31.2.2', pl=b'P' * 20))[:2 + 30], 100)])
case('ppphdlc50_trunc', 50, [(_pf[:4 + 30], len(_pf))])
_pe = E(b'\x11\x00\x00\x01' + struct.pack('!H', 2 + 60) + b'\x00\x21' + T4('10.31.3.1', '10.31.3.2', pl=b'P' * 20), 0x8864)
case('pppoe_trunc_after_ports', 1, [(_pe[:14 + 6 + 2 + 24], len(_pe))])
case('pppoe_trunc_full_ip_olen_bigger', 1, [(_pe, len(_pe) + 50)])
_pv6 = b'\xff\x03\x00\x57' + T6('2001:db8:31::1', '2001:db8:31::2', pl=b'P' * 20)
case('ppp9_v6_trunc_after_ports', 9, [(_pv6[:4 + 44], len(_pv6))])
_l2 = E(ip4('10.31.4.1', '10.31.4.2', 17, udp(1701, 1701, struct.pack('!HHH', 0x0002, 1, 1) + b'\xff\x03\x00\x21' + U4('192.168.31.1', '192.168.31.2', pl=b'Q' * 30))))
case('l2tp_trunc_inner', 1, [(_l2[:14 + 20 + 8 + 6 + 4 + 20], len(_l2))])


# ---------------------------------------------------------------- round 5: PPP truncation threshold probes
for _k in (38, 39, 40, 41):
    case('ppp9_trunc_at_%d' % _k, 9, [(_pf[:4 + _k], len(_pf))])
_pu = b'\xff\x03\x00\x21' + U4('10.31.5.1', '10.31.5.2', pl=b'U' * 20)
for _k in (24, 27, 28, 29):
    case('ppp9_udp_trunc_at_%d' % _k, 9, [(_pu[:4 + _k], len(_pu))])


for _k in (42, 43, 44):
    case('ppp9_trunc_at_%d' % _k, 9, [(_pf[:4 + _k], len(_pf))])
case('ppp9_tcp_short_untrunc', 9, [b'\xff\x03\x00\x21' + T4('10.31.6.1', '10.31.6.2', pl=b'')])
case('ppp9_tcp_4byte_payload', 9, [b'\xff\x03\x00\x21' + T4('10.31.7.1', '10.31.7.2', pl=b'abcd')])
case('ppp9_tcp_5byte_payload', 9, [b'\xff\x03\x00\x21' + T4('10.31.8.1', '10.31.8.2', pl=b'abcde')])
case('ppp9_udp_empty', 9, [b'\xff\x03\x00\x21' + U4('10.31.9.1', '10.31.9.2', pl=b'')])
case('ppp9_icmp_short', 9, [b'\xff\x03\x00\x21' + ip4('10.31.10.1', '10.31.10.2', 1, icmp(8, 0, b''))])
case('ppp9_ipv6_udp_empty', 9, [b'\xff\x03\x00\x57' + U6('2001:db8:31::3', '2001:db8:31::4', pl=b'')])


# ---------------------------------------------------------------- round 6: probes suggested by reading the decoder
case('ppphdlc50_noaddr_then_ff03', 50, [b'\x00\x21' + U4('10.2.6.1', '10.2.6.2'), b'\xff\x03\x00\x21' + U4('10.2.6.3', '10.2.6.4')])
_good9 = b'\xff\x03\x00\x21' + U4('10.32.99.1', '10.32.99.2')
for _n, _x in [('lcp', b'\xff\x03\xc0\x21\x01\x01\x00\x04'), ('pfc', b'\xff\x03\x21' + U4('10.32.1.1', '10.32.1.2')),
               ('vj', b'\xff\x03\x00\x2f' + ip4('10.32.2.1', '10.32.2.2', 0, tcp(1, 2))), ('mpls', b'\xff\x03\x02\x81' + mpls([5], U4('10.32.3.1', '10.32.3.2'))),
               ('chdlc', b'\x0f\x00\x08\x00' + U4('10.32.4.1', '10.32.4.2')), ('ipcp', b'\xff\x03\x80\x21\x01\x01\x00\x04'),
               ('ipv6cp', b'\xff\x03\x80\x57\x01\x01\x00\x04'), ('ccp', b'\xff\x03\x80\xfd\x01\x01\x00\x04'), ('comp', b'\xff\x03\x00\xfd' + b'\x00' * 20),
               ('mp', b'\xff\x03\x00\x3d\xc0\x00\x00\x01' + b'\x00\x21' + U4('10.32.5.1', '10.32.5.2')), ('empty', b''), ('one', b'\xff'),
               ('pap', b'\xff\x03\xc0\x23\x01\x01\x00\x04'), ('bcp', b'\xff\x03\x00\x31\x00\x01' + E(U4('10.32.6.1', '10.32.6.2'))),
               ('trunc_tcp', (_pf[:4 + 24], len(_pf))), ('ipx', b'\xff\x03\x00\x2b' + b'\xff\xff\x00\x1e' + b'\0' * 26)]:
    case('ppp9_poison_%s_then_good' % _n, 9, [_x, _good9])
def radiotap_flags(flags, body):
    return struct.pack('<BBHIB', 0, 0, 9, 0x00000002, flags) + body
_q = wlan(0x88, 0x01, MC, MA, MB, b'\0\0' + SNAPIP4 + U4('10.33.0.1', '10.33.0.2'), qos=0)
case('radiotap127_datapad_qos', 127, [radiotap_flags(0x20, _q)])
case('radiotap127_fcs_flag_qos', 127, [radiotap_flags(0x10, wlan(0x88, 0x01, MC, MA, MB, SNAPIP4 + U4('10.33.1.1', '10.33.1.2'), qos=0) + b'\xde\xad\xbe\xef')])
case('radiotap127_badfcs_flag', 127, [radiotap_flags(0x50, wlan(0x88, 0x01, MC, MA, MB, SNAPIP4 + U4('10.33.2.1', '10.33.2.2'), qos=0) + b'\xde\xad\xbe\xef')])
case('ip6_mobility_nh_tcp', 1, [E(ip6('2001:db8:33::1', '2001:db8:33::2', 135, bytes([6, 1, 5, 0, 0, 0]) + b'\0' * 10 + tcp(61, 62)), 0x86dd)])
case('ip6_hip_nh_tcp', 1, [E(ip6('2001:db8:33::3', '2001:db8:33::4', 139, bytes([6, 4, 1, 0x11, 0, 0, 0, 0]) + b'\0' * 32 + tcp(63, 64)), 0x86dd)])
case('ip6_exp253_nh_udp', 1, [E(ip6('2001:db8:33::5', '2001:db8:33::6', 253, ext6(17) + udp(65, 66)), 0x86dd)])
case('ip6_exp254_nh_udp', 1, [E(ip6('2001:db8:33::7', '2001:db8:33::8', 254, ext6(17) + udp(67, 68)), 0x86dd)])
def chain(n, final):
    b = b''
    for i in range(n): b += ext6(60 if i < n - 1 else final)
    return b
for _n in (15, 16, 17, 20):
    case('ip6_dstopts_chain_%d' % _n, 1, [E(ip6('2001:db8:34::%d' % _n, '2001:db8:34::ff', 60, chain(_n, 17) + udp(69, 70)), 0x86dd)])
for _n in (31, 32, 33, 40):
    case('eth_vlan_stack_%d' % _n, 1, [eth_tags(MB, MA, [0x8100] * _n, 0x0800, U4('10.34.%d.1' % _n, '10.34.%d.2' % _n))])
for _n, _h in [('lehost0800', b'\x00\x08\x00\x00'), ('be0800', b'\x00\x00\x08\x00'), ('le86dd', b'\xdd\x86\x00\x00'), ('be86dd', b'\x00\x00\x86\xdd'),
               ('irix_af2', b'\x00\x02\x00\x00'), ('irix_af24', b'\x00\x18\x00\x00'), ('be_af2_swapped16', b'\x02\x00\x00\x00')]:
    _pl = U6('2001:db8:35::1', '2001:db8:35::2') if ('86dd' in _n or 'af24' in _n) else U4('10.35.0.1', '10.35.0.2')
    case('null0_hdr_%s' % _n, 0, [_h + _pl])
    case('null0_bepcap_hdr_%s' % _n, 0, [_h + _pl], be=True)
case('loop108_ethertype0800', 108, [b'\x00\x00\x08\x00' + U4('10.35.1.1', '10.35.1.2')])
_o = ip4('10.36.0.1', '10.36.0.2', 17, udp(71, 72, b'x'), opts=b'\x01' * 40)
case('ip4_opts_cut_by_caplen_first', 1, [(E(_o)[:14 + 30], 200)])
_o2 = ip4('10.36.1.1', '10.36.1.2', 17, b'\0' * 10, opts=b'\x01' * 40, ff=0x0010)
case('ip4_opts_cut_by_caplen_nonfirst', 1, [(E(_o2)[:14 + 30], 200)])
case('ip4_nonfirst_frag_ihl_gt_tl', 1, [E(ip4('10.36.2.1', '10.36.2.2', 17, b'\0' * 8, ihl=10, tl=24, ff=0x0010))])
case('ip4_nonfirst_frag_ihl_lt5', 1, [E(ip4('10.36.3.1', '10.36.3.2', 17, b'\0' * 8, ihl=3, ff=0x0010))])
case('sll113_llc_sap06', 113, [sll(0x0004, b'\x06\x06\x03' + U4('10.36.4.1', '10.36.4.2'))])
case('sll113_proto_0010_snap', 113, [sll(0x0010, llc_snap(0x0800) + U4('10.36.5.1', '10.36.5.2'))])
case('sll113_netlink_proto_snap', 113, [sll(0x0000, llc_snap(0x0800) + U4('10.36.6.1', '10.36.6.2'), hatype=824, addr=b'')])
case('ppi192_ethernet', 192, [struct.pack('<BBHI', 0, 0, 8, 1) + E(U4('10.36.7.1', '10.36.7.2'))])

def write_special(name, path):
    if name == 'pcap_modified_kuznetsov':
        fr = E(U4('10.24.0.1', '10.24.0.2'))
        out = struct.pack('<IHHiIII', 0xa1b2cd34, 2, 4, 0, 0, 262144, 1)
        out += struct.pack('<IIII', 1700000000, 0, len(fr), len(fr)) + struct.pack('<IHBB', 1, 0x0008, 0, 0) + fr
        with open(path, 'wb') as f: f.write(out)
    elif name == 'pcapng_spb_snaplen':
        fr = E(U4('10.24.1.1', '10.24.1.2', pl=b'S' * 60))
        write_pcapng(path, [(1, 64)], [('spb', 0, fr[:64], len(fr)), ('epb', 0, fr[:64], len(fr))])
    elif name == 'pcapng_obsolete_pb':
        fr = E(T4('10.24.2.1', '10.24.2.2'))
        write_pcapng(path, [(1, 0)], [('pb', 0, fr, len(fr))])
    elif name == 'pcapng_mixed_new_linktypes':
        write_pcapng(path, [(9, 0), (104, 0), (108, 0), (239, 0), (226, 0)], [
            ('epb', 0, b'\xff\x03\x00\x21' + U4('10.24.3.1', '10.24.3.2'), None),
            ('epb', 1, b'\x0f\x00\x08\x00' + U4('10.24.3.3', '10.24.3.4'), None),
            ('epb', 2, struct.pack('!I', 2) + U4('10.24.3.5', '10.24.3.6'), None),
            ('epb', 3, nflog(2, U4('10.24.3.7', '10.24.3.8'), 0x0800), None),
            ('epb', 4, ipnet(2, U4('10.24.3.9', '10.24.3.10')), None)])

def _fix_none(pkts): return pkts

if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    # write_pcapng None olen -> len(data)
    _orig = write_pcapng
    def write_pcapng(path, ifaces, packets, _o=_orig):
        _o(path, ifaces, [(k, i, d, len(d) if o is None else o) for k, i, d, o in packets])
    globals()['write_pcapng'] = write_pcapng
    for name, (lt, frames, kw) in CASES.items():
        ext = '.pcapng' if name.startswith('pcapng') else '.pcap'
        path = os.path.join(OUT, name + ext)
        if frames is None: write_special(name, path)
        else: write_pcap(path, lt, frames, **kw)
    print(len(CASES), 'cases written to', OUT)
