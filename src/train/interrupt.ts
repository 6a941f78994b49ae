/**
 * Ctrl-C for training: the first SIGINT aborts the signal, so the engine finishes the
 * current step and returns with the last finished epoch's checkpoint intact (the engine
 * yields to the event loop after every step so the signal is seen there, not epochs later).
 * The handler then removes itself: a second SIGINT meets the default action and ends the
 * process at once, even in the middle of a long synchronous step (nothing is half-written
 * either way: every file is renamed into place whole).
 */
export interface InterruptHandle {
  signal: AbortSignal;
  /** removes the handler */
  dispose(): void;
}

export function interruptOnSigint(onFirst: () => void = () => undefined): InterruptHandle {
  const controller = new AbortController();
  const handler = () => {
    process.off('SIGINT', handler);
    controller.abort();
    onFirst();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
