/**
 * Ctrl-C for training: the first SIGINT aborts the signal, so the engine finishes the
 * current step and returns with the last finished epoch's checkpoint intact; a second
 * SIGINT exits at once (nothing is half-written either way: every file is renamed into
 * place whole).
 */
export interface InterruptHandle {
  signal: AbortSignal;
  /** removes the handler */
  dispose(): void;
}

export function interruptOnSigint(onFirst: () => void = () => undefined): InterruptHandle {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    onFirst();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
