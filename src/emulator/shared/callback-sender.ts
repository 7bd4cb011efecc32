import { z } from 'zod';
import { FaultQueue, type Queued } from './fault-queue';

/**
 * Delivery of vendor callbacks, written once for both emulators: a FIFO of first attempts (so a healthy receiver sees
 * events in the order they happened), the vendor's resend policy on timers of their own (a failing event never holds
 * up the next), faults, and a log of every attempt. Sending never runs inside a REST answer, and nothing a receiver
 * does can throw into the emulator.
 */

/** What can be changed at run time (flags and start options give the first values). */
export interface CallbackSettings {
  /** Where callbacks go; null = off (nothing is observed or sent). */
  url: string | null;
  /** The signing key; null = bodies go unsigned (the vendors leave this case undocumented). */
  secret: string | null;
  /** Recorder end → upload finished (Agora 31/32/11, TRTC 305/310/311/312). */
  uploadDelayMs: number;
  /** Every Nth recorder whose upload finishes ends with some files in backup (Agora 32, TRTC Status 1); 0 = never. */
  backupEvery: number;
  /** Multiplies the answer deadline and the resend intervals, so tests see the resend policy in seconds. */
  timeScale: number;
}

/** One vendor's delivery rules (spec: Agora §9.1/§9.5, TRTC §5.1/§5.2). */
export interface VendorPolicy {
  /** The receiver must answer 200 within this. */
  deadlineMs: number;
  /** Wait before resend number `n` (1 = first resend) of a message first sent `ageMs` ago; null = give up. */
  resendDelayMs(n: number, ageMs: number, scale: number): number | null;
  /** A message older than this (scaled) is not sent again, even if its resend timer fired late. */
  maxAgeMs?: number;
  /** Signature headers over the raw body bytes. */
  sign(body: string, secret: string): Record<string, string>;
}

/** An event ready to send; `render` builds the body for one attempt (send times such as notifyMs change per attempt). */
export interface Outgoing {
  eventType: number;
  /** The recorder it is about (Agora sid, TRTC TaskId): faults can match it. */
  ref: string;
  /** When the event happened, on the emulator's clock. */
  at: number;
  render(sentAt: number): string;
  headers?: Record<string, string>;
}

export const FAULT_EFFECTS = ['drop', 'duplicate', 'delay', 'reorder', 'bad-signature', 'receiver-down'] as const;

export const callbackFaultSchema = z
  .strictObject({
    effect: z.enum(FAULT_EFFECTS),
    /** Only events of this type (omitted: any). */
    eventType: z.int().min(1).optional(),
    /** Only events about this recorder (Agora sid, TRTC TaskId). */
    ref: z.string().min(1).optional(),
    times: z.int().min(1).max(1_000_000).default(1),
    /** delay: how long the event waits; reorder: how long it is held at most if no later event comes (default 2000). */
    delayMs: z.int().min(1).max(3_600_000).optional(),
    /** receiver-down: for how long every attempt fails. */
    ms: z.int().min(1).max(3_600_000).optional(),
    /** receiver-down: the connection is refused at once, or the receiver never answers (the attempt times out). */
    how: z.enum(['refuse', 'timeout']).optional(),
  })
  .superRefine((f, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (f.effect === 'delay' && f.delayMs === undefined) issue('delayMs', 'a delay fault needs delayMs');
    if (f.effect === 'receiver-down') {
      if (f.ms === undefined) issue('ms', 'a receiver-down fault needs ms');
      if (f.eventType !== undefined || f.ref !== undefined) issue('eventType', 'receiver-down is a time window for every event; it takes no eventType/ref');
    } else {
      if (f.ms !== undefined) issue('ms', 'ms is for receiver-down only');
      if (f.how !== undefined) issue('how', 'how is for receiver-down only');
    }
    if (f.delayMs !== undefined && f.effect !== 'delay' && f.effect !== 'reorder') issue('delayMs', 'delayMs is for delay and reorder only');
  });

export type CallbackFaultSpec = z.output<typeof callbackFaultSchema>;
type QueuedSpec = CallbackFaultSpec & { op: string; match?: { ref?: string } };

export interface Attempt {
  n: number;
  /** When it was sent, on the emulator's clock. */
  at: number;
  /** "delivered", "http 500", "refused", "timeout", "receiver down (refused|timeout)", "error <code>". */
  outcome: string;
  httpStatus: number | null;
  signature: 'valid' | 'wrong' | 'none';
  /** The redundant second copy of a duplicated event. */
  copy?: true;
  body: string;
}

export type EventState = 'queued' | 'held' | 'delayed' | 'sending' | 'resending' | 'delivered' | 'failed' | 'dropped';

export interface SentEvent {
  id: number;
  eventType: number;
  ref: string;
  eventAt: number;
  fault: CallbackFaultSpec['effect'] | null;
  state: EventState;
  attempts: Attempt[];
}

const LOG_CAPACITY = 10_000;
const DEFAULT_HOLD_MS = 2_000;

interface Entry {
  /** The sender's generation when the event was taken: a reset ends every older event's deliveries. */
  gen: number;
  view: SentEvent;
  out: Outgoing;
  firstSentAt: number | null;
}

export class CallbackSender {
  private readonly faults = new FaultQueue<QueuedSpec>();
  private events: Entry[] = [];
  private nextId = 1;
  /**
   * First attempts, one FIFO per recorder: its events arrive in the order they happened, while a
   * slow answer about one recorder never holds up another's (a vendor notifies many recordings at once).
   */
  private readonly chains = new Map<string, Promise<void>>();
  private held: Array<{ entry: Entry; timer: NodeJS.Timeout }> = [];
  private down: { until: number; how: 'refuse' | 'timeout' } | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private abort = new AbortController();
  private gen = 0;
  private closed = false;

  constructor(
    readonly settings: CallbackSettings,
    private readonly policy: VendorPolicy,
    private readonly now: () => number,
    private readonly label: string,
  ) {}

  get enabled(): boolean {
    return this.settings.url !== null && !this.closed;
  }

  configure(patch: Partial<CallbackSettings>): void {
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (this.settings as unknown as Record<string, unknown>)[k] = v;
  }

  /** Settings as the control API shows them: never the secret itself. */
  view() {
    const { secret, ...rest } = this.settings;
    return {
      ...rest,
      secretSet: secret !== null,
      deadlineMs: Math.round(this.policy.deadlineMs * this.settings.timeScale),
      receiverDownUntil: this.down && this.down.until > this.now() ? this.down.until : null,
    };
  }

  log(): SentEvent[] {
    return this.events.map((e) => ({ ...e.view, attempts: e.view.attempts.map((a) => ({ ...a })) }));
  }

  clearLog(): void {
    this.events = [];
  }

  /**
   * Forgets every event and fault and ends their deliveries, in flight or waiting to be resent, so
   * nothing sent before a reset reaches the receiver after it. The settings stay.
   */
  reset(): void {
    this.gen++;
    this.abort.abort();
    this.abort = new AbortController();
    this.cancelTimers();
    this.chains.clear();
    this.events = [];
    this.clearFaults();
  }

  addFault(spec: CallbackFaultSpec): Queued<QueuedSpec> | { effect: 'receiver-down'; until: number; how: 'refuse' | 'timeout' } {
    if (spec.effect === 'receiver-down') {
      this.down = { until: this.now() + spec.ms!, how: spec.how ?? 'refuse' };
      return { effect: 'receiver-down', until: this.down.until, how: this.down.how };
    }
    return this.faults.add({ ...spec, op: spec.eventType === undefined ? '*' : String(spec.eventType), ...(spec.ref ? { match: { ref: spec.ref } } : {}) });
  }

  listFaults() {
    return this.faults.list();
  }

  clearFaults(): void {
    this.faults.clear();
    this.down = null;
  }

  /** Takes an event; returns at once (delivery happens later, off the caller's path). */
  send(out: Outgoing): void {
    if (!this.enabled) return;
    const fault = this.faults.take(String(out.eventType), { ref: out.ref });
    const entry: Entry = {
      gen: this.gen,
      out,
      firstSentAt: null,
      view: { id: this.nextId++, eventType: out.eventType, ref: out.ref, eventAt: out.at, fault: fault?.effect ?? null, state: 'queued', attempts: [] },
    };
    this.events.push(entry);
    if (this.events.length > LOG_CAPACITY) this.events.splice(0, this.events.length - LOG_CAPACITY);

    switch (fault?.effect) {
      case 'drop':
        entry.view.state = 'dropped';
        return;
      case 'delay':
        entry.view.state = 'delayed';
        this.later(fault.delayMs!, () => this.enqueue(entry));
        return;
      case 'reorder': {
        entry.view.state = 'held';
        const timer = setTimeout(() => this.release(entry), fault.delayMs ?? DEFAULT_HOLD_MS);
        this.held.push({ entry, timer });
        return;
      }
    }
    this.enqueue(entry);
    // A held event goes out right after the next one, so the receiver sees the pair swapped.
    for (const h of this.held.splice(0)) {
      clearTimeout(h.timer);
      this.enqueue(h.entry);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.cancelTimers();
  }

  private cancelTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const h of this.held) clearTimeout(h.timer);
    this.held = [];
  }

  /** Still to be delivered: the sender is open and no reset came since the event was taken. */
  private live(entry: Entry): boolean {
    return !this.closed && entry.gen === this.gen;
  }

  private release(entry: Entry): void {
    this.held = this.held.filter((h) => h.entry !== entry);
    this.enqueue(entry);
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  private enqueue(entry: Entry): void {
    entry.view.state = 'queued';
    const ref = entry.out.ref;
    const next = (this.chains.get(ref) ?? Promise.resolve()).then(() => this.deliver(entry)).catch((err: unknown) => console.error(`${this.label} callback sender error:`, err));
    this.chains.set(ref, next);
    void next.then(() => {
      if (this.chains.get(ref) === next) this.chains.delete(ref);
    });
  }

  private async deliver(entry: Entry): Promise<void> {
    if (!this.live(entry)) return;
    entry.view.state = 'sending';
    const sent = await this.attempt(entry);
    if (sent === null) return this.resend(entry, 1);
    entry.view.state = 'delivered';
    if (entry.view.fault === 'duplicate' && this.live(entry)) await this.attempt(entry, sent);
  }

  private resend(entry: Entry, n: number): void {
    const age = this.now() - (entry.firstSentAt ?? this.now());
    const delay = this.policy.resendDelayMs(n, age, this.settings.timeScale);
    if (!this.live(entry)) return;
    if (delay === null) {
      entry.view.state = 'failed';
      return;
    }
    entry.view.state = 'resending';
    this.later(Math.max(0, Math.round(delay)), () => {
      const max = this.policy.maxAgeMs;
      if (max !== undefined && this.now() - (entry.firstSentAt ?? 0) > max * this.settings.timeScale) {
        entry.view.state = 'failed';
        return;
      }
      void this.attempt(entry).then((sent) => {
        if (sent === null) this.resend(entry, n + 1);
        else entry.view.state = 'delivered';
      });
    });
  }

  /** One POST; returns the body sent when the receiver took it (HTTP 200), null otherwise. `copy` resends that body as is. */
  private async attempt(entry: Entry, copy?: string): Promise<string | null> {
    const sentAt = this.now();
    entry.firstSentAt ??= sentAt;
    const body = copy ?? entry.out.render(sentAt);
    const { url, secret } = this.settings;
    const wrong = entry.view.fault === 'bad-signature';
    const signature: Attempt['signature'] = secret === null ? 'none' : wrong ? 'wrong' : 'valid';
    const record = (outcome: string, httpStatus: number | null) => {
      entry.view.attempts.push({ n: entry.view.attempts.length + 1, at: sentAt, outcome, httpStatus, signature, ...(copy !== undefined ? { copy: true as const } : {}), body });
      return outcome === 'delivered' ? body : null;
    };
    if (url === null) return record('no callback URL', null);
    const deadline = Math.max(1, Math.round(this.policy.deadlineMs * this.settings.timeScale));

    if (this.down && sentAt < this.down.until) {
      if (this.down.how === 'timeout') await new Promise<void>((r) => this.later(deadline, r));
      return record(`receiver down (${this.down.how === 'timeout' ? 'timeout' : 'refused'})`, null);
    }

    // A wrong signature is a right one under another key: the receiver can only tell by checking it.
    const sig = secret === null ? {} : this.policy.sign(body, wrong ? `${secret}-wrong` : secret);
    try {
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', ...entry.out.headers, ...sig },
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(deadline)]),
      });
      await res.arrayBuffer();
      return record(res.status === 200 ? 'delivered' : `http ${res.status}`, res.status);
    } catch (err) {
      return record(describeFailure(err), null);
    }
  }
}

function describeFailure(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string }; code?: string };
  if (e.name === 'TimeoutError') return 'timeout';
  if (e.name === 'AbortError') return 'aborted (emulator closed)';
  const code = e.cause?.code ?? e.code;
  if (code === 'ECONNREFUSED') return 'refused';
  return `error ${code ?? String(err)}`;
}
