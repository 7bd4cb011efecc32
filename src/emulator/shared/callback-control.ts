import { z } from 'zod';
import { callbackFaultSchema, type CallbackSender, type CallbackSettings } from './callback-sender';
import { answer, parseControl, type ControlResult } from './control';

const settingsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable().optional(),
  secret: z.string().min(1).nullable().optional(),
  uploadDelayMs: z.int().min(0).max(3_600_000).optional(),
  backupEvery: z.int().min(0).max(1_000_000).optional(),
  timeScale: z.number().positive().max(100).optional(),
});

/** The options both emulators take for callbacks (flags and start options). */
export interface CallbackOptions {
  callbackUrl: string;
  callbackSecret: string;
  uploadDelayMs: number;
  backupEvery: number;
  callbackTimeScale: number;
}

/** Start options → the sender's run-time settings ('' means unset). */
export function callbackSettings(o: CallbackOptions): CallbackSettings {
  return {
    url: o.callbackUrl === '' ? null : o.callbackUrl,
    secret: o.callbackSecret === '' ? null : o.callbackSecret,
    uploadDelayMs: o.uploadDelayMs,
    backupEvery: o.backupEvery,
    timeScale: o.callbackTimeScale,
  };
}

/** Validates the start options / flags the same way the control route does, naming the option. */
export function checkCallbackOptions(o: CallbackOptions, prefix: string): void {
  const r = settingsSchema.safeParse(callbackSettings(o));
  if (r.success) return;
  const names: Record<string, string> = { url: 'callbackUrl', secret: 'callbackSecret', timeScale: 'callbackTimeScale' };
  const key = String(r.error.issues[0].path[0]);
  throw new TypeError(`${prefix} option ${names[key] ?? key} ${r.error.issues[0].message}`);
}

/**
 * `/__emulator/callbacks`: GET settings and the sent log, POST settings, DELETE the log;
 * `/__emulator/callbacks/faults`: GET, POST (one fault), DELETE. Undefined for other paths.
 */
export function callbackRoutes(method: string, path: string, body: unknown, sender: CallbackSender, configured: () => void): ControlResult | undefined {
  if (path === '/__emulator/callbacks') {
    if (method === 'GET') return answer(200, { settings: sender.view(), events: sender.log() });
    if (method === 'DELETE') {
      sender.clearLog();
      return answer(200, { events: [] });
    }
    if (method === 'POST') {
      const p = parseControl(settingsSchema, body, 'callback settings');
      if (!p.ok) return p.result;
      sender.configure(p.value);
      configured();
      return answer(200, { settings: sender.view() });
    }
  }
  if (path === '/__emulator/callbacks/faults') {
    if (method === 'GET') return answer(200, { faults: sender.listFaults() });
    if (method === 'DELETE') {
      sender.clearFaults();
      return answer(200, { faults: [] });
    }
    if (method === 'POST') {
      const p = parseControl(callbackFaultSchema, body, 'callback fault');
      if (!p.ok) return p.result;
      return answer(201, { fault: sender.addFault(p.value) });
    }
  }
  return undefined;
}
