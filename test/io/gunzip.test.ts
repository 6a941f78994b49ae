/**
 * gunzipWhole gives exactly gunzipSync's bytes, or its error, for every shape of gzip data:
 * the optional header fields gzip(1) writes (name, comment, extra field, header CRC), several members, bytes
 * after the member, corrupt and truncated data.
 */
import { execFileSync } from 'node:child_process';
import zlib, { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { gunzipWhole } from '../../src/io/gunzip.js';
import { createRng } from '../../src/rng.js';

const rng = createRng(7);
const payload = Buffer.from(Array.from({ length: 200_000 }, () => Math.floor(rng.next() * 20)));

/**
 * A gzip member with the optional header fields of RFC 1952 (FEXTRA, FNAME, FCOMMENT, FHCRC),
 * as gzip(1) and other writers produce them; Node's gzipSync writes none of them.
 */
function gzipWithHeader(
  data: Buffer,
  options: { name?: string; comment?: string; extra?: string; headerCrc?: boolean },
) {
  const { name, comment, extra, headerCrc } = options;
  const flags = (name ? 8 : 0) | (comment ? 16 : 0) | (extra ? 4 : 0) | (headerCrc ? 2 : 0);
  const parts = [Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 0xff])];
  if (extra) {
    const length = Buffer.alloc(2);
    length.writeUInt16LE(extra.length);
    parts.push(length, Buffer.from(extra));
  }
  if (name) parts.push(Buffer.from(`${name}\0`));
  if (comment) parts.push(Buffer.from(`${comment}\0`));
  if (headerCrc) {
    const crc = Buffer.alloc(2);
    crc.writeUInt16LE(zlib.crc32(Buffer.concat(parts)) & 0xffff);
    parts.push(crc);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(zlib.crc32(data), 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([...parts, zlib.deflateRawSync(data, { level: 6 }), trailer]);
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
  ['name and comment', gzipWithHeader(payload, { name: 'sub-01_T1w.nii', comment: 'scanner 3' })],
  ['extra field', gzipWithHeader(payload, { extra: 'XYZ0123', name: 'a.nii' })],
  ['header checksum', gzipWithHeader(payload, { headerCrc: true, name: 'a.nii' })],
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
