/** Timing shared by the labs (their option checks are src/checks.ts). */

/** Seconds since `startedMs`, to 0.1 s. */
export function elapsedSeconds(startedMs: number): number {
  return Math.round((Date.now() - startedMs) / 100) / 10;
}
