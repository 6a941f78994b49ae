/**
 * Stride-1 3D convolution and its two gradients on plain Float32Arrays (NDHWC), computed by
 * the SIMD kernels of conv3d-simd.as on all threads of the SimdRuntime.
 *
 * Each batch element is copied, zero-padded, into the kernels' heap, so the kernels only ever
 * do a 'valid' convolution and no im2col matrix is materialised: the heap holds one padded
 * input, the weights and one output at a time (≈ 35 MB for 64³×16 channels).
 *
 * Shapes (TensorFlow's): x [N, D, H, W, Cin], filter [KD, KH, KW, Cin, Cout],
 * y / dy [N, OD, OH, OW, Cout]. `front` = [padFront, padTop, padLeft] from computeConv3DInfo.
 */
import type { backend_util } from '@tensorflow/tfjs';
import type { KernelArgs, SimdRuntime } from './simd-runtime.js';
import { winogradApplies, winogradFilter, winogradFilterGradTaps } from './winograd.js';

export type Shape5 = [number, number, number, number, number];
export type Pad3 = [number, number, number];

/** `front` of the kernels below from tfjs' conv geometry: [padFront, padTop, padLeft]. */
export function padFront(info: backend_util.Conv3DInfo): Pad3 {
  return [info.padInfo.front, info.padInfo.top, info.padInfo.left];
}

/** Kernels run in tiles of 4 output channels; fewer than 4 use the "narrow" kernels. */
const NARROW_BELOW = 4;

/** The filter-gradient kernel reads up to 3 floats past the end of the input. */
const INPUT_SLACK_BYTES = 64;

const roundUp4 = (n: number): number => (n + 3) & ~3;
const align = (bytes: number): number => (bytes + 63) & ~63;

/**
 * Copies volume `src` [D, H, W, C] into `dst` [Dp, Hp, Wp, Cp] at offset `front`, zeroing the
 * rest (padding voxels and the channels C..Cp). Voxels falling outside dst are dropped. Only
 * the padding is zeroed, not the whole buffer: this copy runs on the main thread for every
 * batch element of every conv call.
 */
export function copyPadded(src: Float32Array, dims: number[], dst: Float32Array, padded: number[], front: Pad3): void {
  const [D, H, W, C] = dims;
  const [Dp, Hp, Wp, Cp] = padded;
  const x0 = Math.max(0, -front[2]);
  const x1 = Math.min(W, Wp - front[2]);
  const rowLen = Wp * Cp;
  const planeLen = Hp * rowLen;
  for (let zp = 0; zp < Dp; zp++) {
    const z = zp - front[0];
    if (z < 0 || z >= D || x1 <= x0) {
      dst.fill(0, zp * planeLen, (zp + 1) * planeLen);
      continue;
    }
    for (let yp = 0; yp < Hp; yp++) {
      const y = yp - front[1];
      const row = zp * planeLen + yp * rowLen;
      if (y < 0 || y >= H) {
        dst.fill(0, row, row + rowLen);
        continue;
      }
      const s = ((z * H + y) * W + x0) * C;
      const d = row + (x0 + front[2]) * Cp;
      const dEnd = d + (x1 - x0) * Cp;
      dst.fill(0, row, d);
      dst.fill(0, dEnd, row + rowLen);
      if (C === Cp) {
        dst.set(src.subarray(s, s + (x1 - x0) * C), d);
      } else {
        dst.fill(0, d, dEnd);
        for (let x = 0; x < x1 - x0; x++) for (let c = 0; c < C; c++) dst[d + x * Cp + c] = src[s + x * C + c];
      }
    }
  }
}

/** Drops channel padding: [V, Cp] → [V, C] (a plain copy when C === Cp). */
function copyUnpadded(src: Float32Array, dst: Float32Array, voxels: number, C: number, Cp: number): void {
  if (C === Cp) {
    dst.set(src.subarray(0, voxels * C));
    return;
  }
  for (let v = 0; v < voxels; v++) for (let c = 0; c < C; c++) dst[v * C + c] = src[v * Cp + c];
}

/**
 * Forward convolution core shared by conv3d and its input gradient. The kernels start every
 * output from `bias` [cout] (zeros when omitted), stored right after the weights. With
 * `halve`, each element's output is reduced in the kernels' heap by the ×2 nearest-upsampling
 * gradient (sum of each 2×2×2 block, upsample2Grad on all threads) before it is copied out:
 * `out` is then [N, OD/2, OH/2, OW/2, cout] (needs even outDims and cout % 4 = 0).
 */
function validConv(
  rt: SimdRuntime,
  x: Float32Array,
  xShape: Shape5,
  front: Pad3,
  weights: Float32Array,
  kernel: [number, number, number],
  cout: number,
  outDims: [number, number, number],
  out: Float32Array,
  bias?: Float32Array,
  halve = false,
): void {
  const [N, D, H, W, Cin] = xShape;
  const [KD, KH, KW] = kernel;
  const [OD, OH, OW] = outDims;
  const Dp = OD + KD - 1,
    Hp = OH + KH - 1,
    Wp = OW + KW - 1;
  const narrow = cout < NARROW_BELOW;
  const winograd = winogradApplies(kernel, outDims, Cin, cout);
  const coutP = narrow ? cout : roundUp4(cout);
  const taps = winograd ? 64 : KD * KH * KW; // Winograd: 64 transformed taps
  const inLen = Dp * Hp * Wp * Cin;
  const wLen = taps * Cin * coutP + coutP; // weights, then the bias
  const outLen = OD * OH * OW * coutP;
  // Winograd scratch per tile plane: V [64, OW/2, Cin], M [64, OW/2, coutP], 64 vectors
  const scratchStride = winograd ? align(64 * (OW / 2) * (Cin + coutP) * 4 + 64 * 16) : 0;
  const scratchBytes = (scratchStride * OD) / 2;
  // two input and two output buffers: element n+1 is copied in and n−1 copied out while the
  // workers compute element n
  const inBytes = align(inLen * 4),
    outBytes = align(outLen * 4);
  const halfBytes = halve ? align((outLen / 8) * 4) : 0;
  const base = rt.reserve(align(wLen * 4) + 2 * inBytes + 2 * outBytes + scratchBytes + 2 * halfBytes);
  const wPtr = base;
  const inPtrs = [wPtr + align(wLen * 4), wPtr + align(wLen * 4) + inBytes];
  const outPtrs = [inPtrs[1] + inBytes, inPtrs[1] + inBytes + outBytes];
  const scratchPtr = outPtrs[1] + outBytes;
  const halfPtrs = [scratchPtr + scratchBytes, scratchPtr + scratchBytes + halfBytes];

  const w = rt.f32(wPtr, wLen);
  if (winograd) {
    winogradFilter(weights, Cin, cout, coutP, w);
  } else if (narrow) {
    // [taps*Cin, Cout] → [Cout, taps*Cin]
    for (let r = 0; r < taps * Cin; r++) for (let c = 0; c < cout; c++) w[c * taps * Cin + r] = weights[r * cout + c];
  } else {
    w.fill(0);
    for (let r = 0; r < taps * Cin; r++) w.set(weights.subarray(r * cout, r * cout + cout), r * coutP);
  }
  const biasAt = taps * Cin * coutP;
  w.fill(0, biasAt);
  if (bias) w.set(bias.subarray(0, cout), biasAt);
  const voxelsIn = D * H * W,
    voxelsOut = halve ? (OD * OH * OW) / 8 : OD * OH * OW;
  const copyIn = (n: number): void =>
    copyPadded(
      x.subarray(n * voxelsIn * Cin, (n + 1) * voxelsIn * Cin),
      [D, H, W, Cin],
      rt.f32(inPtrs[n % 2], inLen),
      [Dp, Hp, Wp, Cin],
      front,
    );
  const copyOut = (n: number): void =>
    copyUnpadded(
      rt.f32((halve ? halfPtrs : outPtrs)[n % 2], voxelsOut * coutP),
      out.subarray(n * voxelsOut * cout, (n + 1) * voxelsOut * cout),
      voxelsOut,
      cout,
      coutP,
    );
  // one plane of the halved output per chunk, ≈ 32 chunks: each value is written by one chunk
  const halveOutput = (n: number): void =>
    rt.run(
      'upsample2Grad',
      [outPtrs[n % 2], 0, halfPtrs[n % 2], OH / 2, OW / 2, coutP, 0, 0, 0, 0, 0, 0],
      OD / 2,
      0,
      Math.max(1, Math.ceil(OD / 2 / 32)),
    );
  if (N === 0) return;
  copyIn(0);
  for (let n = 0; n < N; n++) {
    // one output plane (Winograd: one plane of 2×2×2 tiles) per chunk: planes are independent,
    // and fine chunks balance the threads
    const finish = winograd
      ? rt.start(
          'convWinograd',
          [inPtrs[n % 2], wPtr, outPtrs[n % 2], Hp, Wp, Cin, OH, OW, coutP, scratchPtr, scratchStride, 0],
          OD / 2,
          0,
          1,
        )
      : rt.start(
          narrow ? 'convForwardNarrow' : 'convForward',
          [inPtrs[n % 2], wPtr, outPtrs[n % 2], Hp, Wp, Cin, OH, OW, coutP, KD, KH, KW],
          OD,
          0,
          1,
        );
    if (n + 1 < N) copyIn(n + 1);
    if (n > 0) copyOut(n - 1);
    finish();
    if (halve) halveOutput(n);
  }
  copyOut(N - 1);
}

/**
 * y = conv3d(x, filter) (+ bias [Cout] when given), stride 1, dilation 1; `out`
 * [N, OD, OH, OW, Cout] is overwritten.
 */
export function conv3dForward(
  rt: SimdRuntime,
  x: Float32Array,
  xShape: Shape5,
  filter: Float32Array,
  filterShape: Shape5,
  front: Pad3,
  outDims: [number, number, number],
  out: Float32Array,
  bias?: Float32Array,
): void {
  const [KD, KH, KW, , cout] = filterShape;
  validConv(rt, x, xShape, front, filter, [KD, KH, KW], cout, outDims, out, bias);
}

/**
 * dx = ∂L/∂x for y = conv3d(x, filter): the 'valid' convolution of dy padded by K−1−front
 * with the filter flipped in space and transposed in channels (stride 1 only).
 * `out` [N, D, H, W, Cin] is overwritten. With `halve` (x = ×2 nearest upsampling of some s),
 * `out` is ∂L/∂s [N, D/2, H/2, W/2, Cin] instead: each 2×2×2 block of dx summed in the
 * kernels' heap, so only an eighth is copied out.
 */
export function conv3dBackpropInput(
  rt: SimdRuntime,
  dy: Float32Array,
  dyShape: Shape5,
  filter: Float32Array,
  filterShape: Shape5,
  front: Pad3,
  inDims: [number, number, number],
  out: Float32Array,
  halve = false,
): void {
  const [KD, KH, KW, cin, cout] = filterShape;
  if (halve && (cin % 4 !== 0 || inDims.some((d) => d % 2 !== 0))) {
    throw new Error(`conv3dBackpropInput: cannot halve [${inDims}] × ${cin} channels (even sizes, channels % 4 = 0)`);
  }
  const flipped = new Float32Array(filter.length);
  for (let kd = 0; kd < KD; kd++)
    for (let kh = 0; kh < KH; kh++)
      for (let kw = 0; kw < KW; kw++) {
        const src = (((KD - 1 - kd) * KH + (KH - 1 - kh)) * KW + (KW - 1 - kw)) * cin * cout;
        const dst = ((kd * KH + kh) * KW + kw) * cout * cin;
        for (let ci = 0; ci < cin; ci++)
          for (let co = 0; co < cout; co++) flipped[dst + co * cin + ci] = filter[src + ci * cout + co];
      }
  const frontT: Pad3 = [KD - 1 - front[0], KH - 1 - front[1], KW - 1 - front[2]];
  validConv(rt, dy, dyShape, frontT, flipped, [KD, KH, KW], cin, inDims, out, undefined, halve);
}

/** Accumulators (chunks) of the bias-gradient row sums: as many as sumLeadingRowsSimd's. */
const BIAS_SLOTS = 8;

/**
 * dfilter = ∂L/∂filter for y = conv3d(x, filter): Σ over batch and output voxels of the
 * shifted input times dy (by Winograd's transforms where winogradApplies). Each output plane
 * (Winograd: plane of tiles) accumulates into its own copy, summed in plane order at the end,
 * so the result does not depend on thread scheduling. `out` [KD, KH, KW, Cin, Cout] is overwritten.
 *
 * With `biasOut` [Cout], also the bias gradient Σ dy over batch and voxels, from the copy of
 * dy already in the kernels' heap: all threads add it up (sumRows, float64, one accumulator
 * per chunk of voxels, added in chunk order), so the main thread never makes the separate
 * pass over dy that `Sum` would.
 */
export function conv3dBackpropFilter(
  rt: SimdRuntime,
  x: Float32Array,
  xShape: Shape5,
  dy: Float32Array,
  dyShape: Shape5,
  filterShape: Shape5,
  front: Pad3,
  out: Float32Array,
  biasOut?: Float32Array,
): void {
  const [N, D, H, W, Cin] = xShape;
  const [, OD, OH, OW, cout] = dyShape;
  const [KD, KH, KW] = filterShape;
  const Dp = OD + KD - 1,
    Hp = OH + KH - 1,
    Wp = OW + KW - 1;
  const narrow = cout < NARROW_BELOW;
  const coutP = narrow ? cout : roundUp4(cout);
  const taps = KD * KH * KW;
  const inLen = Dp * Hp * Wp * Cin;
  const dyLen = OD * OH * OW * coutP;
  // Winograd: accumulates the 64 transformed taps [64, Cin, coutP] per plane of 2×2×2 tiles
  const winograd = !narrow && winogradApplies([KD, KH, KW], [OD, OH, OW], Cin, cout);
  // wide kernel: rows of each (kd, kh) padded from J = KW·Cin to a multiple of 4
  const J = KW * Cin;
  const Jp = narrow ? J : roundUp4(J);
  const dwLen = winograd ? 64 * Cin * coutP : KD * KH * Jp * coutP;
  // one accumulator per output plane (accumulated over the batch), summed in plane order:
  // deterministic for any thread count, and one-plane chunks balance the threads
  const chunks = winograd ? OD / 2 : OD;
  const inBytes = align(inLen * 4 + INPUT_SLACK_BYTES);
  const dyBytes = align(dyLen * 4);
  const dwBytes = align(dwLen * 4);
  const scratchStride = winograd ? align(64 * (OW / 2) * (Cin + coutP) * 4 + 64 * 16) : 0;
  const biasSlotBytes = align(coutP * 8);
  // two buffers each for x and dy: element n+1 is copied in while the workers compute n
  const base = rt.reserve(chunks * (dwBytes + scratchStride) + 2 * inBytes + 2 * dyBytes + BIAS_SLOTS * biasSlotBytes);
  const dwPtr = base;
  const inPtrs = [dwPtr + chunks * dwBytes, dwPtr + chunks * dwBytes + inBytes];
  const dyPtrs = [inPtrs[1] + inBytes, inPtrs[1] + inBytes + dyBytes];
  const scratchPtr = dyPtrs[1] + dyBytes;
  const biasPtr = scratchPtr + chunks * scratchStride;
  rt.f32(dwPtr, (chunks * dwBytes) / 4).fill(0);
  rt.f32(biasPtr, (BIAS_SLOTS * biasSlotBytes) / 4).fill(0);
  const voxelsIn = D * H * W,
    voxelsOut = OD * OH * OW;
  const copyIn = (n: number): void => {
    copyPadded(
      x.subarray(n * voxelsIn * Cin, (n + 1) * voxelsIn * Cin),
      [D, H, W, Cin],
      rt.f32(inPtrs[n % 2], inLen),
      [Dp, Hp, Wp, Cin],
      front,
    );
    copyPadded(
      dy.subarray(n * voxelsOut * cout, (n + 1) * voxelsOut * cout),
      [OD, OH, OW, cout],
      rt.f32(dyPtrs[n % 2], dyLen),
      [OD, OH, OW, coutP],
      [0, 0, 0],
    );
  };
  if (N > 0) copyIn(0);
  for (let n = 0; n < N; n++) {
    const args: KernelArgs = winograd
      ? [inPtrs[n % 2], dyPtrs[n % 2], dwPtr, Hp, Wp, Cin, OH, OW, coutP, scratchPtr, scratchStride, 0]
      : [inPtrs[n % 2], dyPtrs[n % 2], dwPtr, Hp, Wp, Cin, OH, OW, coutP, KD, KH, KW];
    const kernel = winograd ? 'convWinogradFilterGrad' : narrow ? 'convFilterGradNarrow' : 'convFilterGrad';
    const finish = rt.start(kernel, args, chunks, dwBytes, 1);
    if (n + 1 < N) copyIn(n + 1);
    finish();
    if (biasOut) {
      // chunk k of every element adds into slot k: the same sums for any thread count
      const rows = OD * OH * OW;
      const chunk = Math.ceil(rows / BIAS_SLOTS);
      rt.run('sumRows', [dyPtrs[n % 2], 0, biasPtr, coutP, 0, 0, 0, 0, 0, 0, 0, 0], rows, biasSlotBytes, chunk);
    }
  }
  if (biasOut) {
    const acc = new Float64Array(coutP);
    const heap = rt.f32(biasPtr, 1).buffer;
    for (let k = 0; k < BIAS_SLOTS; k++) {
      const slot = new Float64Array(heap, biasPtr + k * biasSlotBytes, coutP);
      for (let c = 0; c < coutP; c++) acc[c] += slot[c];
    }
    for (let c = 0; c < cout; c++) biasOut[c] = acc[c];
  }
  const sum = winograd ? new Float64Array(dwLen) : new Float32Array(dwLen);
  for (let k = 0; k < chunks; k++) {
    const part = rt.f32(dwPtr + k * dwBytes, dwLen);
    for (let i = 0; i < dwLen; i++) sum[i] += part[i];
  }
  if (winograd) {
    winogradFilterGradTaps(sum as Float64Array, Cin, cout, coutP, out);
  } else if (narrow) {
    // [Cout, taps*Cin] → [taps*Cin, Cout]
    for (let r = 0; r < taps * Cin; r++) for (let c = 0; c < cout; c++) out[r * cout + c] = sum[c * taps * Cin + r];
  } else {
    for (let t = 0; t < KD * KH; t++)
      for (let j = 0; j < J; j++) {
        const src = (t * Jp + j) * coutP,
          dst = (t * J + j) * cout;
        for (let c = 0; c < cout; c++) out[dst + c] = sum[src + c];
      }
  }
}
