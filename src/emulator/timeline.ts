/**
 * The emulator's own truth about coverage: per channel, when each recorder was at status 5 on the
 * emulator's clock. `GET /__emulator/timeline?cname=…` (read-only). The coverage end-to-end test
 * checks the workflow's reported gaps against it; times are epoch ms.
 */
import { answer, controlError, type ControlResult } from './shared/control';
import type { Store } from './state';

export interface RecordingInterval {
  sid: string;
  uid: string;
  /** When the recorder reached status 5, and when it left it (null: still there). */
  from: number;
  to: number | null;
}

export function timelineRoute(store: Store, method: string, path: string, query: URLSearchParams): ControlResult | undefined {
  if (path !== '/__emulator/timeline') return undefined;
  if (method !== 'GET') return controlError(405, 'GET only');
  store.refresh();
  const cname = query.get('cname');
  const now = store.now();
  const channels: Record<string, RecordingInterval[]> = {};
  for (const t of store.tasks.values()) {
    if (cname !== null && t.cname !== cname) continue;
    const from = store.readyAt(t);
    // A recorder stopped or killed before it climbed to 5 never recorded.
    if (from === Infinity || (t.endedAt !== null && t.endedAt <= from) || from > now) continue;
    (channels[t.cname] ??= []).push({ sid: t.sid, uid: t.uid, from, to: t.endedAt });
  }
  for (const list of Object.values(channels)) list.sort((a, b) => a.from - b.from);
  return answer(200, { now, channels });
}
