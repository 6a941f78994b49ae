/**
 * gunzipWhole gives exactly gunzipSync's bytes, or its error, for every shape of gzip data:
 * the files gzip(1) and Python write (name, comment, extra field), several members, bytes
 * after the member, corrupt and truncated data.
 */
import { execFileSync } from 'node:child_process';
import zlib, { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { gunzipWhole } from '../../src/io/gunzip.js';
import { createRng } from '../../src/rng.js';

const rng = createRng(7);
const payload = Buffer.from(Array.from({ length: 200_000 }, () => Math.floor(rng.next() * 20)));

/** gzip as Python's gzip module writes it, with the header fields given. */
function pythonGzip(data: Buffer, options: { name?: string; comment?: string; extra?: string; headerCrc?: boolean }) {
  const script = `
import sys, zlib, struct
data = sys.stdin.buffer.read()
name, comment, extra, hcrc = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == '1'
flags = (8 if name else 0) | (16 if comment else 0) | (4 if extra else 0) | (2 if hcrc else 0)
header = b'\\x1f\\x8b\\x08' + bytes([flags]) + b'\\0\\0\\0\\0\\0\\xff'
if extra: header += struct.pack('<H', len(extra)) + extra.encode()
if name: header += name.encode() + b'\\0'
if comment: header += comment.encode() + b'\\0'
if hcrc: header += struct.pack('<H', zlib.crc32(header) & 0xffff)
c = zlib.compressobj(6, zlib.DEFLATED, -15)
body = c.compress(data) + c.flush()
sys.stdout.buffer.write(header + body + struct.pack('<II', zlib.crc32(data), len(data) & 0xffffffff))
`;
  const args = [options.name ?? '', options.comment ?? '', options.extra ?? '', options.headerCrc ? '1' : '0'];
  return execFileSync('/usr/bin/python3', ['-c', script, ...args], { input: data, maxBuffer: 1 << 26 });
}

/** What gunzipSync does with `bytes`: its output, or its error message. */
function reference(bytes: Uint8Array): Buffer | string {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    return (error as Error).message;
  }
}

function actual(bytes: Uint8Array): Buffer | string {
  try {
    return Buffer.from(gunzipWhole(bytes));
  } catch (error) {
    return (error as Error).message;
  }
}

const plain = gzipSync(payload);
const flipped = (bytes: Buffer, at: number) => {
  const copy = Buffer.from(bytes);
  copy[at] ^= 0x40;
  return copy;
};

const CASES: [string, Buffer][] = [
  ['node gzip', plain],
  ['empty content', gzipSync(Buffer.alloc(0))],
  ['name and comment', pythonGzip(payload, { name: 'sub-01_T1w.nii', comment: 'scanner 3' })],
  ['extra field', pythonGzip(payload, { extra: 'XYZ0123', name: 'a.nii' })],
  ['header checksum', pythonGzip(payload, { headerCrc: true, name: 'a.nii' })],
  ['two members', Buffer.concat([plain, plain])],
  ['two different members', Buffer.concat([plain, gzipSync(payload.subarray(0, 1000))])],
  ['bytes after the member', Buffer.concat([plain, Buffer.from('trailing')])],
  ['zeros after the member', Buffer.concat([plain, Buffer.alloc(16)])],
  ['corrupt CRC', flipped(plain, plain.length - 6)],
  ['corrupt length', flipped(plain, plain.length - 2)],
  ['corrupt data', flipped(plain, plain.length >> 1)],
  ['truncated', plain.subarray(0, plain.length - 100)],
  ['header only', plain.subarray(0, 12)],
];

describe('gunzipWhole', () => {
  it.each(CASES)('%s: the bytes or the error of gunzipSync', (_name, bytes) => {
    const expected = reference(bytes);
    const got = actual(bytes);
    if (typeof expected === 'string') expect(got).toBe(expected);
    else expect(Buffer.isBuffer(got) && got.equals(expected)).toBe(true);
  });

  it('single members with a plain header take the raw-inflate path; the rest go to gunzipSync', () => {
    const spy = vi.spyOn(zlib, 'gunzipSync');
    try {
      const fast = ['node gzip', 'empty content', 'name and comment', 'extra field'];
      for (const [name, bytes] of CASES.filter(([n]) => fast.includes(n) || n === 'two members')) {
        spy.mockClear();
        gunzipWhole(bytes);
        expect(spy.mock.calls.length, name).toBe(fast.includes(name) ? 0 : 1);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('what gzip(1) writes', () => {
    const bytes = execFileSync('gzip', ['-c', '-n'], { input: payload });
    const named = execFileSync('bash', ['-c', 'f=$(mktemp); cat > "$f"; gzip -c "$f"; rm "$f"'], { input: payload });
    for (const b of [bytes, named]) expect(Buffer.from(gunzipWhole(b)).equals(payload)).toBe(true);
  });
});
