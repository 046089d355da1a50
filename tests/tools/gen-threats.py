#!/usr/bin/env python3
"""Deterministic captures with planted threats and their near misses, for Find-PcapThreat's tests and the demo.

usage: gen-threats.py OUT --scenario NAME [--seed S]

Scenarios:
  office   A day of a 30-host office (10.1.0.0/24, resolver 10.1.0.2) browsing 20 popular servers, with planted:
           exfiltration 10.1.0.18 -> 203.0.113.50:443 (12 MB up, 0.1 MB down, no other host talks to it);
           near misses: a backup service every host uploads 1.2 MB to (198.51.100.20:443), an 8 MB download by
           10.1.0.21 from 192.0.2.80:443;
           beacons: 10.1.0.25 -> 198.51.100.77:443 every 300 s, 10.1.0.26 -> 203.0.113.99:443 every 300 s +-20%,
           10.1.0.29 -> 203.0.113.77:443 every 300 s in office hours (09:00-17:00) only,
           10.1.0.32 -> 203.0.113.4:443 at 4 exact times; near misses: 10.1.0.27 -> 203.0.113.120:443 with
           Poisson timing of the same mean, 10.1.0.31 -> 203.0.113.3:443 at 3 times;
           an NTP poll 10.1.0.28:123 -> 192.0.2.123:123 every 1024 s;
           a DNS tunnel: 10.1.0.33 asks 600 TXT names of 56-character base32 labels under tunnel-c2.net;
           near misses: 3 CDN-hash names under cdn-assets.com (10.1.0.34), 150 names under avqs.mcafee.com
           (10.1.0.34), wpad, _. and _ta- names; 99 distinct names under ninety-nine.org (10.1.0.35) and
           100 under one-hundred.org (10.1.0.36);
           a long idle SSH session 10.1.0.37 -> 203.0.113.200:22, 5 h, one packet every 20 min;
           protocols on the wrong port: plain HTTP from 10.1.0.38 to 203.0.113.66:443, random bytes from
           10.1.0.39 to 203.0.113.67:53 over UDP.
  demo     Six hours of an 8-host office (10.9.0.0/24), small enough to ship: 10.9.0.14 uploads 3 MB to
           203.0.113.50:443, 10.9.0.15 beacons to 198.51.100.77:443 every 60 s, 10.9.0.16 runs a DNS tunnel of
           150 TXT names under tunnel-c2.net, 10.9.0.17 holds a 2-hour SSH session, 10.9.0.12 speaks HTTP on
           port 443, and every host browses and backs up to 198.51.100.20:443.
  strobe   An hour in which 10.2.0.5 opens 4,000 connections to 198.51.100.5:80, beside a quiet host.
  beacon-in-flow  Two hours of one UDP flow 10.3.0.5:40000 -> 203.0.113.9:5000 with a datagram every 60 s,
           beside one with Poisson timing (10.3.0.6:40001 -> 203.0.113.10:5000).
  midstream  TCP seen without its handshake: random bytes both ways on 10.4.0.5 <-> 203.0.113.70:443,
           TLS records on 10.4.0.6 <-> 203.0.113.71:443, and a server on 203.0.113.72:443 pushing a record
           to 10.4.0.7:51000 every 20 s for an hour.
  snaplen  Written with a 96-byte snap length: 10.5.0.5 uploads 5 MB to 203.0.113.80:443 beside three hosts
           that browse; the headers still say how much was sent.
  empty    No packets.   noip   ARP only.   one   A single UDP packet.
Stdlib only.
"""
import argparse, base64, math, random, struct

DAY0 = 1793577600  # 2026-11-02 00:00:00 UTC

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return (~s) & 0xffff

def ip4(text):
    return bytes(int(x) for x in text.split('.'))

def mac(i):
    return bytes([0x02, 0, 0, 0, (i >> 8) & 0xff, i & 0xff])

GATEWAY = mac(1)

class Capture:
    def __init__(self):
        self.packets = []

    def frame(self, t, src, dst, proto, payload, ident=0):
        hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident & 0xffff, 0x4000, 64, proto, 0, ip4(src), ip4(dst))
        hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
        smac = mac(int(src.split('.')[-1])) if src.startswith('10.') else GATEWAY
        dmac = mac(int(dst.split('.')[-1])) if dst.startswith('10.') else GATEWAY
        self.packets.append((t, dmac + smac + b'\x08\x00' + hdr + payload))

    def udp(self, t, src, dst, sport, dport, data):
        self.frame(t, src, dst, 17, struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data)

    def tcp(self, t, src, dst, sport, dport, flags, data=b'', seq=1, ack=1):
        self.frame(t, src, dst, 6, struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff, 0x50, flags, 65535, 0, 0) + data)

    def session(self, t, client, server, sport, dport, up=0, down=0, hello=b'', answer=b'', duration=1.0, mss=1400, rng=None):
        """A whole TCP connection: handshake, the client's hello and upload, the server's answer and download, FIN."""
        self.tcp(t, client, server, sport, dport, 0x02)
        self.tcp(t + 0.01, server, client, dport, sport, 0x12)
        self.tcp(t + 0.02, client, server, sport, dport, 0x10)
        chunks = []
        if hello:
            chunks.append((client, server, sport, dport, hello))
        if answer:
            chunks.append((server, client, dport, sport, answer))
        for direction, total in ((0, up), (1, down)):
            while total > 0:
                n = min(mss, total)
                total -= n
                if direction == 0:
                    chunks.append((client, server, sport, dport, b'\x17\x03\x03' + bytes(n - 3)))
                else:
                    chunks.append((server, client, dport, sport, b'\x17\x03\x03' + bytes(n - 3)))
        step = duration / max(1, len(chunks) + 1)
        for i, (a, b, pa, pb, data) in enumerate(chunks):
            self.tcp(t + 0.03 + i * step, a, b, pa, pb, 0x18, data)
        end = t + 0.04 + len(chunks) * step
        self.tcp(end, client, server, sport, dport, 0x11)
        self.tcp(end + 0.01, server, client, dport, sport, 0x11)
        self.tcp(end + 0.02, client, server, sport, dport, 0x10)

    def dns(self, t, client, resolver, sport, qid, name, qtype=1, answer_ip=None, txt=None, rcode=0):
        q = b''.join(bytes([len(p)]) + p.encode() for p in name.split('.')) + b'\0' + struct.pack('!HH', qtype, 1)
        self.udp(t, client, resolver, sport, 53, struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0) + q)
        answers = b''
        count = 0
        if answer_ip:
            answers += b'\xc0\x0c' + struct.pack('!HHIH', 1, 1, 300, 4) + ip4(answer_ip)
            count = 1
        elif txt is not None:
            data = bytes([len(txt)]) + txt
            answers += b'\xc0\x0c' + struct.pack('!HHIH', 16, 1, 0, len(data)) + data
            count = 1
        self.udp(t + 0.005, resolver, client, 53, sport, struct.pack('!HHHHHH', qid, 0x8180 | rcode, 1, count, 0, 0) + q + answers)

    def write(self, path, snaplen=65535):
        self.packets.sort(key=lambda p: p[0])
        with open(path, 'wb') as f:
            f.write(struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1))
            for t, data in self.packets:
                sec = int(t)
                usec = int(round((t - sec) * 1e6))
                if usec >= 1000000:
                    sec, usec = sec + 1, usec - 1000000
                kept = data[:snaplen]
                f.write(struct.pack('<IIII', sec, usec, len(kept), len(data)) + kept)

TLS_HELLO = b'\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03' + bytes(32)
TLS_SERVER = b'\x16\x03\x03\x00\x5a\x02\x00\x00\x56\x03\x03' + bytes(32)

def office(cap, rng):
    hosts = ['10.1.0.%d' % i for i in range(10, 40)]
    resolver = '10.1.0.2'
    popular = ['93.184.%d.%d' % (216 + i // 10, 10 + i) for i in range(20)]
    port = [20000]

    def sport():
        port[0] += 1
        if port[0] > 60000:
            port[0] = 20000
        return port[0]

    # Background: every host browses the popular servers at random times, after asking the resolver for them.
    for h in hosts:
        for _ in range(40):
            t = DAY0 + rng.uniform(0, 86000)
            s = rng.randrange(len(popular))
            cap.dns(t - 0.1, h, resolver, sport(), rng.randrange(65536), 'www.site%d.example.com' % s, answer_ip=popular[s])
            cap.session(t, h, popular[s], sport(), 443, up=rng.randrange(300, 3000), down=rng.randrange(2000, 60000),
                        hello=TLS_HELLO, answer=TLS_SERVER, duration=rng.uniform(0.2, 3))
    # Near miss: every host backs up 1.2 MB to the same service at night.
    for h in hosts:
        cap.session(DAY0 + 3600 * 2 + rng.uniform(0, 3600), h, '198.51.100.20', sport(), 443, up=1_200_000, down=20_000,
                    hello=TLS_HELLO, answer=TLS_SERVER, duration=60, mss=8960)
    # Near miss: one large download.
    cap.session(DAY0 + 3600 * 10, '10.1.0.21', '192.0.2.80', sport(), 443, up=3_000, down=8_000_000,
                hello=TLS_HELLO, answer=TLS_SERVER, duration=600, mss=8960)
    # Planted exfiltration: 28 sessions, 12 MB up, to an address nobody else talks to.
    for i in range(28):
        cap.session(DAY0 + 3600 * 13 + i * 97, '10.1.0.18', '203.0.113.50', sport(), 443, up=430_000, down=4_000,
                    hello=TLS_HELLO, answer=TLS_SERVER, duration=40, mss=8960)
    # Beacons.
    def beacon(src, dst, times, size=300):
        for t in times:
            cap.session(t, src, dst, sport(), 443, up=size, down=200, hello=TLS_HELLO, answer=TLS_SERVER, duration=0.3)
    beacon('10.1.0.25', '198.51.100.77', [DAY0 + 60 + i * 300 + rng.uniform(-1, 1) for i in range(287)])
    beacon('10.1.0.26', '203.0.113.99', [DAY0 + 60 + i * 300 + rng.uniform(-60, 60) for i in range(287)])
    beacon('10.1.0.29', '203.0.113.77', [DAY0 + 9 * 3600 + i * 300 for i in range(96)])
    beacon('10.1.0.32', '203.0.113.4', [DAY0 + 3600 + i * 600 for i in range(4)])
    beacon('10.1.0.31', '203.0.113.3', [DAY0 + 3600 + i * 600 for i in range(3)])
    t, poisson = DAY0 + 60, []
    while True:
        t += rng.expovariate(1 / 300)
        if t > DAY0 + 86000:
            break
        poisson.append(t)
    beacon('10.1.0.27', '203.0.113.120', poisson)
    # An NTP client polling with fixed ports every 1024 s: one flow of regular bursts.
    ntp = bytes([0x23, 2, 10, 0xEC]) + bytes(44)
    for i in range(84):
        t = DAY0 + 30 + i * 1024
        cap.udp(t, '10.1.0.28', '192.0.2.123', 123, 123, ntp)
        cap.udp(t + 0.02, '192.0.2.123', '10.1.0.28', 123, 123, bytes([0x24, 2, 10, 0xEC]) + bytes(44))
    # DNS tunnel: TXT queries with 56-character base32 labels.
    for i in range(600):
        label = base64.b32encode(rng.randbytes(35)).decode().rstrip('=').lower()[:56]
        cap.dns(DAY0 + 40000 + i * 5, '10.1.0.33', resolver, sport(), i, '%s.%d.tunnel-c2.net' % (label, i % 7), qtype=16, txt=base64.b64encode(rng.randbytes(150)))
    # Near misses in DNS.
    for i in range(3):
        cap.dns(DAY0 + 5000 + i, '10.1.0.34', resolver, sport(), i, '%s.cdn-assets.com' % rng.randbytes(28).hex(), answer_ip='192.0.2.%d' % (30 + i))
        cap.session(DAY0 + 5000.5 + i, '10.1.0.34', '192.0.2.%d' % (30 + i), sport(), 443, up=500, down=30000, hello=TLS_HELLO, answer=TLS_SERVER)
    for i in range(150):
        cap.dns(DAY0 + 6000 + i * 30, '10.1.0.34', resolver, sport(), i, '%s.avqs.mcafee.com' % rng.randbytes(20).hex(), answer_ip='127.0.0.1')
    for name in ['wpad.corp.example', '_.example.org', '_ta-4f66.example.org', 'isatap.corp.example']:
        cap.dns(DAY0 + 7000, '10.1.0.34', resolver, sport(), 1, name, rcode=3)
    for i in range(99):
        cap.dns(DAY0 + 8000 + i * 11, '10.1.0.35', resolver, sport(), i, 'host%d.ninety-nine.org' % i, answer_ip='198.18.0.1')
    for i in range(100):
        cap.dns(DAY0 + 8000 + i * 11, '10.1.0.36', resolver, sport(), i, 'host%d.one-hundred.org' % i, answer_ip='198.18.0.2')
    # A long idle SSH session: 5 hours, a keystroke every 20 minutes.
    start = DAY0 + 3600 * 14
    cap.tcp(start, '10.1.0.37', '203.0.113.200', 50022, 22, 0x02)
    cap.tcp(start + 0.05, '203.0.113.200', '10.1.0.37', 22, 50022, 0x12)
    cap.tcp(start + 0.1, '10.1.0.37', '203.0.113.200', 50022, 22, 0x10)
    cap.tcp(start + 0.2, '203.0.113.200', '10.1.0.37', 22, 50022, 0x18, b'SSH-2.0-OpenSSH_9.2\r\n')
    cap.tcp(start + 0.3, '10.1.0.37', '203.0.113.200', 50022, 22, 0x18, b'SSH-2.0-OpenSSH_9.6\r\n')
    for i in range(1, 16):
        cap.tcp(start + i * 1200, '10.1.0.37', '203.0.113.200', 50022, 22, 0x18, rng.randbytes(48))
        cap.tcp(start + i * 1200 + 0.05, '203.0.113.200', '10.1.0.37', 22, 50022, 0x18, rng.randbytes(48))
    cap.tcp(start + 18000, '10.1.0.37', '203.0.113.200', 50022, 22, 0x11)
    cap.tcp(start + 18000.05, '203.0.113.200', '10.1.0.37', 22, 50022, 0x11)
    # Protocols where they do not belong.
    cap.session(DAY0 + 3600 * 15, '10.1.0.38', '203.0.113.66', sport(), 443, hello=b'GET /cmd HTTP/1.1\r\nHost: 203.0.113.66\r\n\r\n',
                answer=b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    for i in range(20):
        cap.udp(DAY0 + 3600 * 16 + i * 37, '10.1.0.39', '203.0.113.67', 41000 + i, 53, rng.randbytes(120))

def demo(cap, rng):
    hosts = ['10.9.0.%d' % i for i in range(10, 18)]
    resolver = '10.9.0.2'
    popular = ['93.184.216.%d' % (10 + i) for i in range(6)]
    port = [30000]

    def sport():
        port[0] += 1
        return port[0]

    span = 6 * 3600
    for h in hosts:
        for _ in range(12):
            t = DAY0 + rng.uniform(0, span - 60)
            s = rng.randrange(len(popular))
            cap.dns(t - 0.1, h, resolver, sport(), rng.randrange(65536), 'www.site%d.example.com' % s, answer_ip=popular[s])
            cap.session(t, h, popular[s], sport(), 443, up=rng.randrange(300, 2000), down=rng.randrange(2000, 30000),
                        hello=TLS_HELLO, answer=TLS_SERVER, duration=rng.uniform(0.2, 2))
        cap.session(DAY0 + 600 + rng.uniform(0, 600), h, '198.51.100.20', sport(), 443, up=1_100_000, down=10_000,
                    hello=TLS_HELLO, answer=TLS_SERVER, duration=30, mss=8960)
    for i in range(8):
        cap.session(DAY0 + 3 * 3600 + i * 120, '10.9.0.14', '203.0.113.50', sport(), 443, up=380_000, down=3_000,
                    hello=TLS_HELLO, answer=TLS_SERVER, duration=30, mss=8960)
    for i in range(span // 60 - 1):
        cap.session(DAY0 + 30 + i * 60 + rng.uniform(-2, 2), '10.9.0.15', '198.51.100.77', sport(), 443, up=250, down=180,
                    hello=TLS_HELLO, answer=TLS_SERVER, duration=0.2)
    for i in range(150):
        label = base64.b32encode(rng.randbytes(35)).decode().rstrip('=').lower()[:56]
        cap.dns(DAY0 + 7200 + i * 7, '10.9.0.16', resolver, sport(), i, '%s.tunnel-c2.net' % label, qtype=16, txt=base64.b64encode(rng.randbytes(120)))
    start = DAY0 + 3600
    cap.tcp(start, '10.9.0.17', '203.0.113.200', 50022, 22, 0x02)
    cap.tcp(start + 0.05, '203.0.113.200', '10.9.0.17', 22, 50022, 0x12)
    cap.tcp(start + 0.2, '203.0.113.200', '10.9.0.17', 22, 50022, 0x18, b'SSH-2.0-OpenSSH_9.2\r\n')
    for i in range(1, 9):
        cap.tcp(start + i * 877 + rng.uniform(0, 300), '10.9.0.17', '203.0.113.200', 50022, 22, 0x18, rng.randbytes(64))
    cap.tcp(start + 7300, '10.9.0.17', '203.0.113.200', 50022, 22, 0x11)
    cap.session(DAY0 + 5000, '10.9.0.12', '203.0.113.66', sport(), 443, hello=b'GET /cmd HTTP/1.1\r\nHost: 203.0.113.66\r\n\r\n',
                answer=b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')

def strobe(cap, rng):
    for i in range(4000):
        t = DAY0 + i * 0.9
        cap.session(t, '10.2.0.5', '198.51.100.5', 20000 + i % 40000, 80, hello=b'GET / HTTP/1.1\r\n\r\n', answer=b'HTTP/1.1 204 No Content\r\n\r\n', duration=0.05)
    cap.session(DAY0 + 100, '10.2.0.6', '198.51.100.6', 30000, 443, hello=TLS_HELLO, answer=TLS_SERVER)

def beacon_in_flow(cap, rng):
    for i in range(120):
        t = DAY0 + i * 60
        cap.udp(t, '10.3.0.5', '203.0.113.9', 40000, 5000, b'\x01beat' + bytes(40))
        cap.udp(t + 0.03, '203.0.113.9', '10.3.0.5', 5000, 40000, b'\x02ok' + bytes(20))
    t = DAY0
    while t < DAY0 + 7200:
        t += rng.expovariate(1 / 60)
        cap.udp(t, '10.3.0.6', '203.0.113.10', 40001, 5000, b'\x01beat' + bytes(40))
        cap.udp(t + 0.03, '203.0.113.10', '10.3.0.6', 5000, 40001, b'\x02ok' + bytes(20))

def midstream(cap, rng):
    for i in range(6):
        t = DAY0 + i * 0.5
        cap.tcp(t, '10.4.0.5', '203.0.113.70', 45000, 443, 0x18, rng.randbytes(200), seq=1 + i * 200)
        cap.tcp(t + 0.1, '203.0.113.70', '10.4.0.5', 443, 45000, 0x18, rng.randbytes(300), seq=1 + i * 300)
        cap.tcp(t, '10.4.0.6', '203.0.113.71', 45001, 443, 0x18, b'\x17\x03\x03\x00\xc3' + rng.randbytes(195), seq=1 + i * 200)
        cap.tcp(t + 0.1, '203.0.113.71', '10.4.0.6', 443, 45001, 0x18, b'\x17\x03\x03\x01\x27' + rng.randbytes(295), seq=1 + i * 300)
    for i in range(180):
        cap.tcp(DAY0 + i * 20, '203.0.113.72', '10.4.0.7', 443, 51000, 0x18, b'\x17\x03\x03\x00\x1b' + rng.randbytes(27), seq=1 + i * 32)

def snaplen(cap, rng):
    cap.session(DAY0, '10.5.0.5', '203.0.113.80', 40000, 443, up=5_000_000, down=20_000, hello=TLS_HELLO, answer=TLS_SERVER, duration=300)
    for h in range(6, 9):
        for i in range(5):
            cap.session(DAY0 + h * 100 + i * 7, '10.5.0.%d' % h, '93.184.216.%d' % (10 + i), 41000 + h * 10 + i, 443,
                        up=800, down=40_000, hello=TLS_HELLO, answer=TLS_SERVER)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--scenario', required=True, choices=['office', 'demo', 'strobe', 'midstream', 'snaplen', 'beacon-in-flow', 'empty', 'noip', 'one'])
    ap.add_argument('--seed', type=int, default=20261202)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    cap = Capture()
    if a.scenario == 'office':
        office(cap, rng)
    elif a.scenario == 'demo':
        demo(cap, rng)
    elif a.scenario == 'strobe':
        strobe(cap, rng)
    elif a.scenario == 'beacon-in-flow':
        beacon_in_flow(cap, rng)
    elif a.scenario == 'midstream':
        midstream(cap, rng)
    elif a.scenario == 'snaplen':
        snaplen(cap, rng)
        cap.write(a.out, snaplen=96)
        return
    elif a.scenario == 'noip':
        arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, mac(5), ip4('10.0.0.5'), bytes(6), ip4('10.0.0.1'))
        cap.packets.append((DAY0, b'\xff' * 6 + mac(5) + b'\x08\x06' + arp))
    elif a.scenario == 'one':
        cap.udp(DAY0, '10.0.0.5', '203.0.113.1', 5000, 5001, b'hello')
    cap.write(a.out)

if __name__ == '__main__':
    main()
