/**
 * A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe` (the transport
 * Puppeteer uses): the browser reads NUL-terminated JSON messages on fd 3 and writes its own
 * on fd 4. No WebSocket is needed (Node 20 has none without a flag, and `ws` is not installed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags that keep a headless Chromium off the network and away from the user's profile. */
export const QUIET_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--mute-audio',
];

export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

export class CdpBrowser {
  readonly events: CdpEvent[] = [];
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<
    number,
    { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void; method: string }
  >();
  private readonly waiters: { method: string; resolve: (e: CdpEvent) => void }[] = [];
  private exited = false;
  stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const toBrowser = child.stdio[3] as Writable;
    const fromBrowser = child.stdio[4] as Readable;
    toBrowser.on('error', () => {});
    fromBrowser.setEncoding('utf8');
    fromBrowser.on('data', (chunk: string) => this.receive(chunk));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-20000)));
    child.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values())
        p.reject(new Error(`chromium exited while waiting for ${p.method}; stderr: ${this.stderr.slice(-2000)}`));
      this.pending.clear();
    });
  }

  /** Starts Chromium with a fresh profile; throws when it is not installed. */
  static launch(extraFlags: string[] = []): CdpBrowser {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install the Debian package chromium (CI does)`);
    const profile = mkdtempSync(join(tmpdir(), 'lssl-chromium-'));
    const child = spawn(
      CHROMIUM,
      [...QUIET_FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-pipe', ...extraFlags, 'about:blank'],
      {
        stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
        // its own process group, so close() can end the renderer and zygote children with it
        detached: true,
      },
    );
    return new CdpBrowser(child, profile);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
      const message = JSON.parse(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end + 1);
      if (message.id !== undefined) {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (!p) continue;
        if (message.error) p.reject(new Error(`${p.method}: ${message.error.message}`));
        else p.resolve(message.result);
      } else {
        const event = message as CdpEvent;
        this.events.push(event);
        for (let i = this.waiters.length - 1; i >= 0; i--) {
          if (this.waiters[i].method === event.method) this.waiters.splice(i, 1)[0].resolve(event);
        }
      }
    }
  }

  /** Sends a command and waits for its answer, at most `timeoutMs`. */
  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
    timeoutMs = 15000,
  ): Promise<Record<string, unknown>> {
    if (this.exited)
      return Promise.reject(
        new Error(`chromium has exited; cannot send ${method}; stderr: ${this.stderr.slice(-2000)}`),
      );
    const id = this.nextId++;
    const body = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return withTimeout(
      new Promise((resolve, reject) => {
        this.pending.set(id, { resolve, reject, method });
        (this.child.stdio[3] as Writable).write(`${body}\0`);
      }),
      timeoutMs,
      method,
    );
  }

  /** The next event named `method` (or one already received when `past` is true). */
  waitFor(method: string, timeoutMs = 15000, past = true): Promise<CdpEvent> {
    const seen = past ? this.events.find((e) => e.method === method) : undefined;
    if (seen) return Promise.resolve(seen);
    return withTimeout(new Promise((resolve) => this.waiters.push({ method, resolve })), timeoutMs, `event ${method}`);
  }

  /** Kills the browser, waits for it to exit (at most 5 s), deletes its profile; safe to call twice. */
  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      try {
        process.kill(-this.child.pid!, 'SIGKILL');
      } catch {
        this.child.kill('SIGKILL');
      }
      await withTimeout(exited, 5000, 'chromium to exit').catch(() => {});
    }
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 3 });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}
