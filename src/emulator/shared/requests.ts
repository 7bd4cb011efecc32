import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ClientGone, sendJson } from '../http';

/** Thrown into every pending sleep by close(), so a delayed or hung request ends instead of answering late. */
export class EmulatorClosed extends Error {}

/** Timers that requests wait on (injected delays), all cancelled at once when the emulator closes. */
export class Sleeps {
  private readonly timers = new Map<NodeJS.Timeout, (err: Error) => void>();
  private closed = false;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (this.closed) return reject(new EmulatorClosed());
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.set(t, reject);
    });

  /** Returns false when already closed, so close() stays idempotent. */
  close(): boolean {
    if (this.closed) return false;
    this.closed = true;
    for (const [t, reject] of this.timers) {
      clearTimeout(t);
      reject(new EmulatorClosed());
    }
    this.timers.clear();
    return true;
  }
}

export function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  return { path: q === -1 ? url : url.slice(0, q), query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)) };
}

/** A request whose emulator closed or whose client left gets no answer; any other failure is the emulator's bug. */
export function guarded(label: string, dispatch: (req: IncomingMessage, res: ServerResponse) => Promise<void>): RequestListener {
  return (req, res) => {
    dispatch(req, res).catch((err: unknown) => {
      if (err instanceof EmulatorClosed || err instanceof ClientGone) return void res.destroy();
      console.error(`${label} internal error:`, err);
      sendJson(res, 500, { message: 'emulator internal error' });
    });
  };
}
