import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { children } from './util.js';

/** One request as it crossed the loopback interface: the kernel's time of its first packet (ms, wall clock, µs precision) and its path's first segment. */
export interface WireRequest {
  at: number;
  label: string;
}

export interface WireCapture {
  /** Stops capturing and reads every POST that went to the port; `dropped`: packets the kernel could not hand to the capture (then the list is incomplete). */
  stop(): Promise<{ requests: WireRequest[]; dropped: number }>;
}

/**
 * Records when every HTTP POST to `port` on 127.0.0.1 crossed the loopback interface, by the
 * kernel's clock (tcpdump), for the rate bench. Why: the fake gateway timestamps a request when
 * its own event loop gets to it, and on a 2-core machine shared with the senders and the
 * database that can be 15 ms late, so windows counted at the fake mix the senders' pacing with
 * the fake's scheduling. The kernel stamps a loopback packet inside the sender's write, before
 * any process reads it: what a provider with a core of its own would count, network aside.
 * Undefined (with the reason logged) where tcpdump is missing or may not capture (needs root or
 * CAP_NET_RAW).
 */
export async function startWireCapture(port: number, log: (line: string) => void): Promise<WireCapture | undefined> {
  if (spawnSync('tcpdump', ['--version']).error) {
    log('no wire capture: tcpdump is not installed (Debian: apt-get install tcpdump)');
    return undefined;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'wb-bench-wire-'));
  const file = path.join(dir, 'requests.pcap');
  // Only packets whose TCP payload starts with "POST": the first packet of each request.
  const filter = `tcp dst port ${port} and tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x504f5354`;
  // --immediate-mode: with the default buffering, tcpdump missed ~1.5 % of 2,000 requests (8 in
  // flight, 5 ms apart) and counted no drops; with it, every one.
  const child = spawn('tcpdump', ['-i', 'lo', '-n', '-U', '--immediate-mode', '-s', '256', '--time-stamp-precision=micro', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = await new Promise<boolean>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.includes('listening on')) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  if (!listening) {
    log(`no wire capture: tcpdump stopped (${stderr.trim().split('\n').at(-1) ?? 'no message'})`);
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    async stop() {
      child.kill('SIGINT');
      await exited;
      children.delete(child);
      try {
        const dropped = Number(/(\d+) packets? dropped by kernel/.exec(stderr)?.[1] ?? 0);
        return { requests: readPosts(readFileSync(file)), dropped };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The POSTs of a classic pcap file of Ethernet frames (Linux's `lo`), IPv4 or IPv6, in capture order. */
function readPosts(pcap: Buffer): WireRequest[] {
  const magic = pcap.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4) throw new Error(`not a little-endian microsecond pcap file (magic ${magic.toString(16)})`);
  if (pcap.readUInt32LE(20) !== 1) throw new Error(`link type ${pcap.readUInt32LE(20)}, expected Ethernet`);
  const requests: WireRequest[] = [];
  for (let at = 24; at + 16 <= pcap.length; ) {
    const seconds = pcap.readUInt32LE(at);
    const micros = pcap.readUInt32LE(at + 4);
    const length = pcap.readUInt32LE(at + 8);
    const frame = pcap.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    const payload = tcpPayload(frame);
    const text = payload?.subarray(0, 64).toString('latin1') ?? '';
    const match = /^POST \/([^/ ]*)/.exec(text);
    if (match) requests.push({ at: seconds * 1000 + micros / 1000, label: match[1]! });
  }
  return requests;
}

function tcpPayload(frame: Buffer): Buffer | undefined {
  const ethertype = frame.readUInt16BE(12);
  let ip = 14;
  if (ethertype === 0x0800) {
    if (frame[ip + 9] !== 6) return undefined;
    ip += (frame[ip]! & 0x0f) * 4;
  } else if (ethertype === 0x86dd) {
    if (frame[ip + 6] !== 6) return undefined;
    ip += 40;
  } else {
    return undefined;
  }
  return frame.subarray(ip + (frame[ip + 12]! >> 4) * 4);
}
