/**
 * Fast CPU kernels for 3D convolution (see issue "Fast 3D convolution on the CPU").
 * Until they land, the stock kernels run.
 */
export function registerFastKernels(_backend: 'wasm' | 'cpu'): boolean {
  return false;
}
