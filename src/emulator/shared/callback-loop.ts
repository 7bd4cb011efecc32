import type { CallbackSender } from './callback-sender';

/** How often state is looked at while some recorder still has callbacks to come (time-driven changes: ready, idle exit, upload). */
export const TICK_MS = 50;

/**
 * Runs a vendor's observation pass: right after every request (off the answer's path, on setImmediate) and on a
 * short tick while the pass says more events are due. The emulators' state changes lazily, so the pass is what turns
 * those changes into callbacks, each stamped with the time the state says it happened.
 */
export class CallbackLoop {
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private closed = false;
  /** Recorders started before callbacks were switched on are not reported (their history would arrive as a flood). */
  since = 0;
  private wasEnabled = false;

  constructor(
    private readonly sender: CallbackSender,
    private readonly pass: (since: number) => boolean,
    private readonly now: () => number,
    private readonly label: string,
  ) {}

  /** Call after the settings change (and once at start): switching callbacks on starts a new reporting window. */
  configured(): void {
    if (this.sender.enabled && !this.wasEnabled) this.since = this.now();
    this.wasEnabled = this.sender.enabled;
    this.poke();
  }

  poke(): void {
    if (this.closed || this.scheduled || !this.sender.enabled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  private run(): void {
    if (this.closed || !this.sender.enabled) return this.stopTicking();
    let pending = false;
    try {
      pending = this.pass(this.since);
    } catch (err) {
      console.error(`${this.label} callback observation failed:`, err);
    }
    if (!pending) return this.stopTicking();
    if (!this.timer) {
      this.timer = setInterval(() => this.run(), TICK_MS);
      this.timer.unref();
    }
  }

  private stopTicking(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  close(): void {
    this.closed = true;
    this.stopTicking();
  }
}
