import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler answers; `hang` means never answer (the socket is left open until the client or close() ends it). */
export type Reply = { status: number; body: unknown; headers?: Record<string, string> } | { hang: true };

export const reply = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export class BodyTooLarge extends Error {}
export class ClientGone extends Error {}

/** Reads the whole body, refusing more than `limit` bytes so garbage uploads can't exhaust memory. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | null, value?: string) => {
      if (done) return;
      done = true;
      if (err) reject(err);
      else resolve(value ?? '');
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(null, Buffer.concat(chunks).toString('utf8')));
    req.on('error', (err) => finish(err));
    req.on('close', () => finish(new ClientGone('request closed before its body ended')));
  });
}

/** Parses JSON, distinguishing "no body" (undefined) from "not JSON" (throws). */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  return JSON.parse(text);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
