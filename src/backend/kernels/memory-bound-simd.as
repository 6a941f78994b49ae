// AssemblyScript source (compiled with conv3d-simd.as into one module by build-kernels.mjs):
// the memory-bound kernels of the LSSL step — 2×2×2 max pooling and its gradient, ×2 nearest
// upsampling and its gradient, the ReLU gradient and sums over leading axes (bias gradients).
// They share the conv kernels' calling convention (14 i32 arguments, the last two a row range
// z0..z1 split across threads by simd-runtime.ts); unused arguments are 0. All float32, NDHWC,
// one or several batch elements stored one after the other.

// ---------------------------------------------------------------------------------------------
// Max pooling, window 2, stride 2, 'valid'. x [n, D, H, W, C] → y [n, OD, OH, OW, C] with
// OD = D >> 1 etc. Row r = b·OD + z is output plane z of batch element b (a trailing odd input
// plane, row or column is never read).

export function maxPool2Forward(
  xPtr: usize, _unused: usize, yPtr: usize,
  D: i32, H: i32, W: i32, C: i32, OD: i32, OH: i32, OW: i32, _a: i32, _b: i32, r0: i32, r1: i32,
): void {
  const c4 = C & ~3;
  const sW = <usize>C << 2;
  const sH = <usize>(W * C) << 2;
  const sD = <usize>(H * W * C) << 2;
  for (let r = r0; r < r1; r++) {
    const b = r / OD, z = r % OD;
    const xPlane = xPtr + <usize>((b * D + 2 * z) * H) * sH;
    let yp = yPtr + ((<usize>r * <usize>(OH * OW * C)) << 2);
    for (let y = 0; y < OH; y++) {
      let p = xPlane + <usize>(2 * y) * sH;
      for (let x = 0; x < OW; x++) {
        let c = 0;
        for (; c < c4; c += 4) {
          const q = p + (<usize>c << 2);
          const m0 = f32x4.max(v128.load(q), v128.load(q + sW));
          const m1 = f32x4.max(v128.load(q + sH), v128.load(q + sH + sW));
          const m2 = f32x4.max(v128.load(q + sD), v128.load(q + sD + sW));
          const m3 = f32x4.max(v128.load(q + sD + sH), v128.load(q + sD + sH + sW));
          v128.store(yp + (<usize>c << 2), f32x4.max(f32x4.max(m0, m1), f32x4.max(m2, m3)));
        }
        for (; c < C; c++) {
          const q = p + (<usize>c << 2);
          const m0 = Mathf.max(load<f32>(q), load<f32>(q + sW));
          const m1 = Mathf.max(load<f32>(q + sH), load<f32>(q + sH + sW));
          const m2 = Mathf.max(load<f32>(q + sD), load<f32>(q + sD + sW));
          const m3 = Mathf.max(load<f32>(q + sD + sH), load<f32>(q + sD + sH + sW));
          store<f32>(yp + (<usize>c << 2), Mathf.max(Mathf.max(m0, m1), Mathf.max(m2, m3)));
        }
        p += 2 * sW;
        yp += sW;
      }
    }
  }
}

// Gradient: dx = dy at each window's maximum (the LAST one in (d, h, w) scan order when tied,
// as tfjs' cpu kernel), 0 at the other 7 voxels. Voxels outside every window are not written
// (the caller zeroes dx first when a side is odd).

@inline function routeMax(q: usize, dq: usize, sW: usize, sH: usize, sD: usize, g: v128): void {
  const v0 = v128.load(q), v1 = v128.load(q + sW), v2 = v128.load(q + sH), v3 = v128.load(q + sH + sW);
  const v4 = v128.load(q + sD), v5 = v128.load(q + sD + sW), v6 = v128.load(q + sD + sH), v7 = v128.load(q + sD + sH + sW);
  const m = f32x4.max(f32x4.max(f32x4.max(v0, v1), f32x4.max(v2, v3)), f32x4.max(f32x4.max(v4, v5), f32x4.max(v6, v7)));
  // from the last voxel back: the first one equal to the max takes g
  let hit = f32x4.eq(v7, m);
  v128.store(dq + sD + sH + sW, v128.and(g, hit));
  let taken = hit;
  hit = v128.andnot(f32x4.eq(v6, m), taken); v128.store(dq + sD + sH, v128.and(g, hit)); taken = v128.or(taken, hit);
  hit = v128.andnot(f32x4.eq(v5, m), taken); v128.store(dq + sD + sW, v128.and(g, hit)); taken = v128.or(taken, hit);
  hit = v128.andnot(f32x4.eq(v4, m), taken); v128.store(dq + sD, v128.and(g, hit)); taken = v128.or(taken, hit);
  hit = v128.andnot(f32x4.eq(v3, m), taken); v128.store(dq + sH + sW, v128.and(g, hit)); taken = v128.or(taken, hit);
  hit = v128.andnot(f32x4.eq(v2, m), taken); v128.store(dq + sH, v128.and(g, hit)); taken = v128.or(taken, hit);
  hit = v128.andnot(f32x4.eq(v1, m), taken); v128.store(dq + sW, v128.and(g, hit)); taken = v128.or(taken, hit);
  v128.store(dq, v128.andnot(g, taken));
}

export function maxPool2Grad(
  xPtr: usize, dyPtr: usize, dxPtr: usize,
  D: i32, H: i32, W: i32, C: i32, OD: i32, OH: i32, OW: i32, _a: i32, _b: i32, r0: i32, r1: i32,
): void {
  const c4 = C & ~3;
  const sW = <usize>C << 2;
  const sH = <usize>(W * C) << 2;
  const sD = <usize>(H * W * C) << 2;
  for (let r = r0; r < r1; r++) {
    const b = r / OD, z = r % OD;
    const planeOffset = <usize>((b * D + 2 * z) * H) * sH;
    let gp = dyPtr + ((<usize>r * <usize>(OH * OW * C)) << 2);
    for (let y = 0; y < OH; y++) {
      let off = planeOffset + <usize>(2 * y) * sH;
      for (let x = 0; x < OW; x++) {
        let c = 0;
        for (; c < c4; c += 4) {
          const o = off + (<usize>c << 2);
          routeMax(xPtr + o, dxPtr + o, sW, sH, sD, v128.load(gp + (<usize>c << 2)));
        }
        for (; c < C; c++) {
          const o = off + (<usize>c << 2);
          const q = xPtr + o, dq = dxPtr + o;
          let best: usize = 0;
          let max = load<f32>(q);
          // same scan as tfjs' cpu kernel: (d, h, w), ties to the later voxel
          const offs0: usize = 0;
          for (let k = 1; k < 8; k++) {
            const kOff = (k & 4 ? sD : offs0) + (k & 2 ? sH : offs0) + (k & 1 ? sW : offs0);
            const v = load<f32>(q + kOff);
            if (v >= max) { max = v; best = kOff; }
          }
          const g = load<f32>(gp + (<usize>c << 2));
          for (let k = 0; k < 8; k++) {
            const kOff = (k & 4 ? sD : offs0) + (k & 2 ? sH : offs0) + (k & 1 ? sW : offs0);
            store<f32>(dq + kOff, kOff == best ? g : 0);
          }
        }
        off += 2 * sW;
        gp += sW;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ×2 nearest upsampling. x [n, D, H, W, C] → y [n, 2D, 2H, 2W, C]; row r = b·D + z is input
// plane z of element b, which fills output planes 2z and 2z+1.

export function upsample2Forward(
  xPtr: usize, _unused: usize, yPtr: usize,
  H: i32, W: i32, C: i32, _c: i32, _d: i32, _e: i32, _f: i32, _g: i32, _h: i32, r0: i32, r1: i32,
): void {
  const rowIn = <usize>(W * C) << 2;
  const rowOut: usize = rowIn << 1;
  const planeOut = <usize>(2 * H) * rowOut;
  const sC = <usize>C << 2;
  for (let r = r0; r < r1; r++) {
    let xp = xPtr + <usize>r * <usize>H * rowIn;
    let yp = yPtr + <usize>(2 * r) * planeOut;
    for (let y = 0; y < H; y++) {
      // first output row: every voxel twice; the other three rows are copies of it
      let q = yp;
      if ((C & 3) == 0) {
        for (let x = 0; x < W; x++) {
          for (let c: usize = 0; c < sC; c += 16) {
            const v = v128.load(xp + c);
            v128.store(q + c, v);
            v128.store(q + sC + c, v);
          }
          xp += sC;
          q += 2 * sC;
        }
      } else {
        for (let x = 0; x < W; x++) {
          for (let c: usize = 0; c < sC; c += 4) {
            const v = load<f32>(xp + c);
            store<f32>(q + c, v);
            store<f32>(q + sC + c, v);
          }
          xp += sC;
          q += 2 * sC;
        }
      }
      memory.copy(yp + rowOut, yp, rowOut);
      memory.copy(yp + planeOut, yp, 2 * rowOut);
      yp += 2 * rowOut;
    }
  }
}

// Gradient: dx [n, D, H, W, C] = sum of the 8 children; row r as above.
export function upsample2Grad(
  dyPtr: usize, _unused: usize, dxPtr: usize,
  H: i32, W: i32, C: i32, _c: i32, _d: i32, _e: i32, _f: i32, _g: i32, _h: i32, r0: i32, r1: i32,
): void {
  const c4 = C & ~3;
  const sC = <usize>C << 2;
  const rowOut = <usize>(2 * W * C) << 2;
  const planeOut = <usize>(2 * H) * rowOut;
  for (let r = r0; r < r1; r++) {
    let dq = dxPtr + <usize>r * <usize>(H * W * C) * 4;
    for (let y = 0; y < H; y++) {
      let p = dyPtr + <usize>(2 * r) * planeOut + <usize>(2 * y) * rowOut;
      for (let x = 0; x < W; x++) {
        let c = 0;
        for (; c < c4; c += 4) {
          const q = p + (<usize>c << 2);
          const a = f32x4.add(f32x4.add(v128.load(q), v128.load(q + sC)), f32x4.add(v128.load(q + rowOut), v128.load(q + rowOut + sC)));
          const b = f32x4.add(
            f32x4.add(v128.load(q + planeOut), v128.load(q + planeOut + sC)),
            f32x4.add(v128.load(q + planeOut + rowOut), v128.load(q + planeOut + rowOut + sC)),
          );
          v128.store(dq + (<usize>c << 2), f32x4.add(a, b));
        }
        for (; c < C; c++) {
          const q = p + (<usize>c << 2);
          const a = (load<f32>(q) + load<f32>(q + sC)) + (load<f32>(q + rowOut) + load<f32>(q + rowOut + sC));
          const b = (load<f32>(q + planeOut) + load<f32>(q + planeOut + sC)) + (load<f32>(q + planeOut + rowOut) + load<f32>(q + planeOut + rowOut + sC));
          store<f32>(dq + (<usize>c << 2), a + b);
        }
        p += 2 * sC;
        dq += sC;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ReLU gradient, dx = dy · step(x) with step(x) = 1 if x > 0 else 0 — the same products as
// tfjs' Relu gradient (mul(dy, cast(step(x)))), so signed zeros and NaN in dy come out alike.
// Row r covers values [r·block, min((r+1)·block, count)).

export function reluGrad(
  dyPtr: usize, xPtr: usize, dxPtr: usize,
  count: i32, block: i32, _c: i32, _d: i32, _e: i32, _f: i32, _g: i32, _h: i32, _i: i32, r0: i32, r1: i32,
): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const start = r0 * block;
  const end = min(r1 * block, count);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    const step = v128.and(f32x4.gt(v128.load(xPtr + o), zero), one);
    v128.store(dxPtr + o, f32x4.mul(v128.load(dyPtr + o), step));
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    store<f32>(dxPtr + o, load<f32>(dyPtr + o) * (load<f32>(xPtr + o) > 0 ? <f32>1 : <f32>0));
  }
}

// ---------------------------------------------------------------------------------------------
// Sum over leading axes: x viewed as [rows, inner]; out (float64 [inner]) += Σ_{r0 ≤ r < r1}
// x[r, :]. Each chunk of rows has its own out (simd-runtime's per-chunk accumulators), which
// the caller adds in chunk order, so the result does not depend on the thread count.

export function sumRows(
  xPtr: usize, _unused: usize, outPtr: usize,
  inner: i32, _b: i32, _c: i32, _d: i32, _e: i32, _f: i32, _g: i32, _h: i32, _i: i32, r0: i32, r1: i32,
): void {
  const j4 = inner & ~3;
  const rowBytes = <usize>inner << 2;
  if (inner == 1) {
    let s0: f64 = 0, s1: f64 = 0;
    let r = r0;
    for (; r + 2 <= r1; r += 2) {
      s0 += <f64>load<f32>(xPtr + (<usize>r << 2));
      s1 += <f64>load<f32>(xPtr + (<usize>r << 2), 4);
    }
    if (r < r1) s0 += <f64>load<f32>(xPtr + (<usize>r << 2));
    store<f64>(outPtr, load<f64>(outPtr) + (s0 + s1));
    return;
  }
  let xp = xPtr + <usize>r0 * rowBytes;
  for (let r = r0; r < r1; r++) {
    let j = 0;
    for (; j < j4; j += 4) {
      const v = v128.load(xp + (<usize>j << 2));
      const op = outPtr + (<usize>j << 3);
      v128.store(op, f64x2.add(v128.load(op), f64x2.promote_low_f32x4(v)));
      v128.store(op, f64x2.add(v128.load(op, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1))), 16);
    }
    for (; j < inner; j++) {
      const op = outPtr + (<usize>j << 3);
      store<f64>(op, load<f64>(op) + <f64>load<f32>(xp + (<usize>j << 2)));
    }
    xp += rowBytes;
  }
}

// ---------------------------------------------------------------------------------------------
// Batch normalisation (Ioffe & Szegedy 2015) over x viewed as [rows, C] (NDHWC flattened: the
// statistics of channel c run over every row). Reductions add float64 per-channel sums into
// their own accumulators (per chunk of rows, added in chunk order by the caller), so results
// do not depend on the thread count. Pointer arguments are byte offsets.

// Rows per block of the reductions: each group of 4 channels is summed over a block in
// registers, then added to its accumulators (the block, ≤ 64 rows, stays in L1 meanwhile).
const BN_BLOCK = 64;

// acc f64 [2C] += (Σ_r (x[r,c] − s[c]), Σ_r (x[r,c] − s[c])²) for r0 ≤ r < r1. The shift s
// (f32 [C], a value of each channel) keeps the sum of squares free of cancellation.
export function bnMoments(
  xPtr: usize, sPtr: usize, accPtr: usize,
  C: i32, _b: i32, _c: i32, _d: i32, _e: i32, _f: i32, _g: i32, _h: i32, _i: i32, r0: i32, r1: i32,
): void {
  const c4 = C & ~3;
  const rowBytes = <usize>C << 2;
  const sqPtr = accPtr + (<usize>C << 3);
  for (let b0 = r0; b0 < r1; b0 += BN_BLOCK) {
    const b1 = min(r1, b0 + BN_BLOCK);
    const blockPtr = xPtr + <usize>b0 * rowBytes;
    for (let c = 0; c < c4; c += 4) {
      const shift = v128.load(sPtr + (<usize>c << 2));
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0), q0 = f64x2.splat(0), q1 = f64x2.splat(0);
      let xp = blockPtr + (<usize>c << 2);
      for (let r = b0; r < b1; r++) {
        const d = f32x4.sub(v128.load(xp), shift);
        const lo = f64x2.promote_low_f32x4(d);
        const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 0, 1));
        s0 = f64x2.add(s0, lo);
        s1 = f64x2.add(s1, hi);
        q0 = f64x2.add(q0, f64x2.mul(lo, lo));
        q1 = f64x2.add(q1, f64x2.mul(hi, hi));
        xp += rowBytes;
      }
      const sp = accPtr + (<usize>c << 3), qp = sqPtr + (<usize>c << 3);
      v128.store(sp, f64x2.add(v128.load(sp), s0));
      v128.store(sp, f64x2.add(v128.load(sp, 16), s1), 16);
      v128.store(qp, f64x2.add(v128.load(qp), q0));
      v128.store(qp, f64x2.add(v128.load(qp, 16), q1), 16);
    }
    for (let c = c4; c < C; c++) {
      const shift = load<f32>(sPtr + (<usize>c << 2));
      let s: f64 = 0, q: f64 = 0;
      let xp = blockPtr + (<usize>c << 2);
      for (let r = b0; r < b1; r++) {
        const d = <f64>(load<f32>(xp) - shift); // f32 difference, as the SIMD lanes
        s += d;
        q += d * d;
        xp += rowBytes;
      }
      const sp = accPtr + (<usize>c << 3), qp = sqPtr + (<usize>c << 3);
      store<f64>(sp, load<f64>(sp) + s);
      store<f64>(qp, load<f64>(qp) + q);
    }
  }
}

// y[r,c] = (x[r,c] − mean[c])·scale[c] + beta[c]; coef f32 [3C] = mean, scale, beta.
export function bnApply(
  xPtr: usize, coefPtr: usize, yPtr: usize,
  C: i32, _b: i32, _c: i32, _d: i32, _e: i32, _f: i32, _g: i32, _h: i32, _i: i32, r0: i32, r1: i32,
): void {
  const c4 = C & ~3;
  const rowBytes = <usize>C << 2;
  const scalePtr = coefPtr + rowBytes, betaPtr = coefPtr + 2 * rowBytes;
  const start = <usize>r0 * rowBytes;
  let xp = xPtr + start, yp = yPtr + start;
  for (let r = r0; r < r1; r++) {
    let c = 0;
    for (; c < c4; c += 4) {
      const o = <usize>c << 2;
      const d = f32x4.sub(v128.load(xp + o), v128.load(coefPtr + o));
      v128.store(yp + o, f32x4.add(f32x4.mul(d, v128.load(scalePtr + o)), v128.load(betaPtr + o)));
    }
    for (; c < C; c++) {
      const o = <usize>c << 2;
      store<f32>(yp + o, (load<f32>(xp + o) - load<f32>(coefPtr + o)) * load<f32>(scalePtr + o) + load<f32>(betaPtr + o));
    }
    xp += rowBytes;
    yp += rowBytes;
  }
}

// acc f64 [2C] += (Σ_r dy[r,c], Σ_r dy[r,c]·(x[r,c] − mean[c])); mean f32 [C] at meanPtr.
export function bnGradSums(
  dyPtr: usize, xPtr: usize, accPtr: usize,
  C: i32, meanPtr: usize, _c: i32, _d: i32, _e: i32, _f: i32, _g: i32, _h: i32, _i: i32, r0: i32, r1: i32,
): void {
  const c4 = C & ~3;
  const rowBytes = <usize>C << 2;
  const pPtr = accPtr + (<usize>C << 3);
  for (let b0 = r0; b0 < r1; b0 += BN_BLOCK) {
    const b1 = min(r1, b0 + BN_BLOCK);
    const offset = <usize>b0 * rowBytes;
    for (let c = 0; c < c4; c += 4) {
      const mean = v128.load(meanPtr + (<usize>c << 2));
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0), p0 = f64x2.splat(0), p1 = f64x2.splat(0);
      let gp = dyPtr + offset + (<usize>c << 2), xp = xPtr + offset + (<usize>c << 2);
      for (let r = b0; r < b1; r++) {
        const g = v128.load(gp);
        const d = f32x4.sub(v128.load(xp), mean);
        const g0 = f64x2.promote_low_f32x4(g), g1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 0, 1));
        const d0 = f64x2.promote_low_f32x4(d), d1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 0, 1));
        s0 = f64x2.add(s0, g0);
        s1 = f64x2.add(s1, g1);
        p0 = f64x2.add(p0, f64x2.mul(g0, d0));
        p1 = f64x2.add(p1, f64x2.mul(g1, d1));
        gp += rowBytes;
        xp += rowBytes;
      }
      const sp = accPtr + (<usize>c << 3), pp = pPtr + (<usize>c << 3);
      v128.store(sp, f64x2.add(v128.load(sp), s0));
      v128.store(sp, f64x2.add(v128.load(sp, 16), s1), 16);
      v128.store(pp, f64x2.add(v128.load(pp), p0));
      v128.store(pp, f64x2.add(v128.load(pp, 16), p1), 16);
    }
    for (let c = c4; c < C; c++) {
      const mean = load<f32>(meanPtr + (<usize>c << 2));
      let s: f64 = 0, p: f64 = 0;
      let gp = dyPtr + offset + (<usize>c << 2), xp = xPtr + offset + (<usize>c << 2);
      for (let r = b0; r < b1; r++) {
        const g = <f64>load<f32>(gp);
        s += g;
        p += g * <f64>(load<f32>(xp) - mean);
        gp += rowBytes;
        xp += rowBytes;
      }
      const sp = accPtr + (<usize>c << 3), pp = pPtr + (<usize>c << 3);
      store<f64>(sp, load<f64>(sp) + s);
      store<f64>(pp, load<f64>(pp) + p);
    }
  }
}

// dx[r,c] = a[c]·dy[r,c] + b[c]·(x[r,c] − mean[c]) + k[c]; coef f32 [4C] = a, b, mean, k.
export function bnGradApply(
  dyPtr: usize, xPtr: usize, dxPtr: usize,
  C: i32, coefPtr: usize, _c: i32, _d: i32, _e: i32, _f: i32, _g: i32, _h: i32, _i: i32, r0: i32, r1: i32,
): void {
  const c4 = C & ~3;
  const rowBytes = <usize>C << 2;
  const bPtr = coefPtr + rowBytes, mPtr = coefPtr + 2 * rowBytes, kPtr = coefPtr + 3 * rowBytes;
  const start = <usize>r0 * rowBytes;
  let gp = dyPtr + start, xp = xPtr + start, dp = dxPtr + start;
  for (let r = r0; r < r1; r++) {
    let c = 0;
    for (; c < c4; c += 4) {
      const o = <usize>c << 2;
      const d = f32x4.sub(v128.load(xp + o), v128.load(mPtr + o));
      const t = f32x4.add(f32x4.mul(v128.load(coefPtr + o), v128.load(gp + o)), f32x4.mul(v128.load(bPtr + o), d));
      v128.store(dp + o, f32x4.add(t, v128.load(kPtr + o)));
    }
    for (; c < C; c++) {
      const o = <usize>c << 2;
      const d = load<f32>(xp + o) - load<f32>(mPtr + o);
      store<f32>(dp + o, load<f32>(coefPtr + o) * load<f32>(gp + o) + load<f32>(bPtr + o) * d + load<f32>(kPtr + o));
    }
    gp += rowBytes;
    xp += rowBytes;
    dp += rowBytes;
  }
}

// The EMA of a target network, fused: out = t·m + o·n elementwise (n = 1 − m rounded to f32 by
// the caller, the same products and sum as tf.add(tf.mul(t, m), tf.mul(o, 1 − m))). m and n
// come as the bits of their f32 values; row r covers values [r·block, min((r+1)·block, count)).
export function emaBlend(
  tPtr: usize, oPtr: usize, outPtr: usize,
  count: i32, block: i32, mBits: i32, nBits: i32, _e: i32, _f: i32, _g: i32, _h: i32, _i: i32, r0: i32, r1: i32,
): void {
  const m = reinterpret<f32>(mBits), n = reinterpret<f32>(nBits);
  const m4 = f32x4.splat(m), n4 = f32x4.splat(n);
  const end = min(r1 * block, count);
  let i = r0 * block;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    v128.store(outPtr + o, f32x4.add(f32x4.mul(v128.load(tPtr + o), m4), f32x4.mul(v128.load(oPtr + o), n4)));
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    store<f32>(outPtr + o, load<f32>(tPtr + o) * m + load<f32>(oPtr + o) * n);
  }
}
