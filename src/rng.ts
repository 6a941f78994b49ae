/**
 * Seeded random numbers for everything random in lssl (library code never calls
 * Math.random): splitmix32 seeding a sfc32 generator, which is fast, small and passes
 * PractRand far beyond what a training run draws.
 */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform in [lo, hi) */
  uniform(lo: number, hi: number): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** standard normal (Box–Muller) */
  normal(): number;
  /** a new array with the items in random order (Fisher–Yates) */
  shuffle<T>(items: readonly T[]): T[];
  /** an independent generator derived from this seed and a label, e.g. rng.fork('augment') */
  fork(label: string | number): Rng;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string | number): number {
  const text = String(label);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A generator for `seed` (any integer; the same seed gives the same stream). */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, not ${seed}`);
  const seeder = splitmix32(Math.trunc(seed));
  let a = seeder();
  let b = seeder();
  let c = seeder();
  let d = seeder();
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  let spareNormal: number | undefined;
  const rng: Rng = {
    next: () => nextUint32() / 4294967296,
    uniform: (lo, hi) => lo + (hi - lo) * rng.next(),
    int: (n) => {
      if (!(n > 0) || !Number.isInteger(n)) throw new Error(`int(n) needs a positive integer, not ${n}`);
      return Math.floor(rng.next() * n);
    },
    normal: () => {
      if (spareNormal !== undefined) {
        const v = spareNormal;
        spareNormal = undefined;
        return v;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const radius = Math.sqrt(-2 * Math.log(u));
      const angle = 2 * Math.PI * rng.next();
      spareNormal = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
    shuffle: (items) => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    fork: (label) => createRng((Math.trunc(seed) ^ hashLabel(label)) >>> 0),
  };
  return rng;
}
