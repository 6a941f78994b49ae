import { describe, expect, it } from 'vitest';
import { interruptOnSigint } from '../../src/train/interrupt.js';

describe('interruptOnSigint', () => {
  it('aborts its signal on the first SIGINT (the engine then stops after the step) and removes itself', () => {
    const listeners = process.listenerCount('SIGINT');
    let told = 0;
    const handle = interruptOnSigint(() => told++);
    expect(process.listenerCount('SIGINT')).toBe(listeners + 1);
    expect(handle.signal.aborted).toBe(false);
    process.emit('SIGINT');
    expect(handle.signal.aborted).toBe(true);
    expect(told).toBe(1);
    handle.dispose();
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });
});
