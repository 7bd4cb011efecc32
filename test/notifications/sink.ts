/**
 * A backend's notification endpoint on node:http (port 0): it checks every signature, stores what
 * it is sent and dedupes by id, as a real receiver would. `answer` scripts the HTTP status of each
 * request (it sees the request's ordinal and the parsed notification); the notification is stored
 * before the answer, like a backend that processed it and then failed to reply.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifyNotification } from '../../src/notifications/sign';
import type { Notification } from '../../src/notifications/types';

export interface Received {
  at: number;
  rawBody: string;
  headers: http.IncomingHttpHeaders;
  notification?: Notification;
  signatureError?: string;
  status: number;
}

/** A status, or a status with the body to reply. */
export type Answer = number | { status: number; body: string };

export interface Sink {
  url: string;
  received: Received[];
  /** Each id once, in order of first arrival: what a deduping backend keeps. */
  deduped(): Notification[];
  close(): Promise<void>;
}

export async function startSink(secret: string, answer: (nth: number, n: Notification | undefined) => Answer | Promise<Answer> = () => 200): Promise<Sink> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const r: Received = { at: Date.now(), rawBody, headers: req.headers, status: 0 };
      try {
        r.notification = verifyNotification(rawBody, req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined, secret);
      } catch (err) {
        r.signatureError = (err as Error).message;
      }
      received.push(r);
      const a = r.signatureError ? 401 : await answer(received.length, r.notification);
      r.status = typeof a === 'number' ? a : a.status;
      res.writeHead(r.status, { 'content-type': 'text/plain' }).end(typeof a === 'number' ? (r.status < 300 ? 'ok' : `nope ${r.status}`) : a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/recordings`,
    received,
    deduped() {
      const seen = new Map<string, Notification>();
      for (const r of received) if (r.notification && !seen.has(r.notification.id)) seen.set(r.notification.id, r.notification);
      return [...seen.values()];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
