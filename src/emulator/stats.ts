import { RequestLog } from './shared/request-log';

export type HostName = 'primary' | 'alternate';

export interface LogEntry {
  op: string | null;
  appId: string | null;
  cname: string | null;
  uid: string | null;
  sid: string | null;
  /** 0 when the emulator never answered (a "hang" fault). */
  httpStatus: number;
  code: number | null;
  host: HostName;
  /** Arrival time, epoch ms. */
  at: number;
}

/** Counted per App ID, by HTTP status, since that is what Agora's errors are told apart by. */
export class Stats extends RequestLog<LogEntry> {
  constructor() {
    super((e) =>
      e.appId === null || e.op === null ? null : { caller: e.appId, op: e.op, outcome: String(e.httpStatus), rateLimited: e.httpStatus === 429 },
    );
  }

  snapshot(live: (appId: string) => number) {
    return { apps: this.byCaller(live) };
  }
}
