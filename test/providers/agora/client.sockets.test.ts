import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgoraClient } from '../../../src/providers/agora';

/** Real sockets through the client's own undici Agent (no MockAgent): refused ports and a hanging server. */
let hanging: http.Server;
let answering: http.Server;
let hangUrl: string;
let okUrl: string;
let deadUrl: string;
const seen: string[] = [];
let okConnections = 0;

beforeAll(async () => {
  hanging = http.createServer((req) => seen.push(`hang ${req.method} ${req.url}`)); // never answers
  answering = http.createServer((req, res) => {
    seen.push(`ok ${req.method} ${req.url} ${req.headers.authorization} ${req.headers.connection}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ resourceId: 'r1' }));
  });
  answering.on('connection', () => okConnections++);
  const dead = http.createServer();
  for (const s of [hanging, answering, dead]) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  [hangUrl, okUrl, deadUrl] = [url(hanging), url(answering), url(dead)];
  await new Promise((r) => dead.close(r)); // port now refuses connections
});
afterAll(async () => {
  hanging.closeAllConnections();
  answering.closeAllConnections();
  await Promise.all([hanging, answering].map((s) => new Promise((r) => s.close(r))));
});
beforeEach(() => {
  seen.length = 0;
  okConnections = 0;
});

const acquire = (c: AgoraClient) => c.acquire('app', { cname: 'c', uid: '1', clientRequest: {} });

test('refused primary → alternate answers, keep-alive reused', async () => {
  const c = new AgoraClient({ baseUrls: [deadUrl, okUrl], customerId: 'id', customerSecret: 'secret-1' });
  expect(await acquire(c)).toMatchObject({ kind: 'ok', host: okUrl });
  expect(await acquire(c)).toMatchObject({ kind: 'ok', host: okUrl });
  expect(seen).toHaveLength(2);
  expect(okConnections).toBe(1);
  expect(seen[0]).toContain(`Basic ${Buffer.from('id:secret-1').toString('base64')}`);
  await c.close();
});

test('refused everywhere → network, not timed out', async () => {
  const c = new AgoraClient({ baseUrls: [deadUrl], customerId: 'id', customerSecret: 'secret-1' });
  const o = await acquire(c);
  expect(o).toMatchObject({ kind: 'network', timedOut: false, hostsTried: [deadUrl, deadUrl] });
  if (o.kind === 'network') expect(o.error).toMatch(/ECONNREFUSED/);
  await c.close();
});

test('hanging primary → timeout twice, then alternate', async () => {
  const c = new AgoraClient({ baseUrls: [hangUrl, okUrl], customerId: 'id', customerSecret: 'secret-1', timeoutMs: 200 });
  const t0 = Date.now();
  expect(await acquire(c)).toMatchObject({ kind: 'ok', host: okUrl });
  expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
  expect(seen.filter((s) => s.startsWith('hang'))).toHaveLength(2);
  await c.close();
});
