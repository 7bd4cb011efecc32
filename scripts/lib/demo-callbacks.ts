/**
 * The demo's event side, in-process: the callback receiver (src/services/callbacks, on the demo's
 * Temporal) that the emulators' signed vendor callbacks reach, and a small backend endpoint that
 * verifies and keeps the recording's notifications, as a customer's backend would.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createLogger } from '../../src/logger';
import { SIGNATURE_HEADER, verifyNotification } from '../../src/notifications/sign';
import type { Notification } from '../../src/notifications/types';
import { parseCallbacksConfig } from '../../src/services/callbacks/config';
import { startCallbackService } from '../../src/services/callbacks/server';
import { CALLBACK_PATHS } from '../../src/services/callbacks/vendors';

export interface DemoEvents {
  /** Emulator options: where to send callbacks, signed with what, and a short upload. */
  agoraEmulator: { callbackUrl: string; callbackSecret: string; uploadDelayMs: number };
  trtcEmulator: { callbackUrl: string; callbackSecret: string; uploadDelayMs: number };
  /** The worker's `notifications` section. */
  notifications: { url: string; secret: string };
  /** What the backend received, each id once, in order of arrival. */
  received: Notification[];
  close(): Promise<void>;
}

export async function startDemoEvents(client: Client, sdkAppId: number, uploadDelayMs: number): Promise<DemoEvents> {
  // Fresh per run: nothing to configure, nothing to leak.
  const ncsSecret = crypto.randomBytes(16).toString('hex');
  const trtcKey = crypto.randomBytes(16).toString('hex');
  const backendSecret = crypto.randomBytes(24).toString('hex');
  const config = parseCallbacksConfig({ host: '127.0.0.1', port: 0, agora: { secrets: { default: ncsSecret } }, trtc: { apps: { [String(sdkAppId)]: { callbackKey: trtcKey } } } });
  const receiver = await startCallbackService(config, { client, logger: createLogger([ncsSecret, trtcKey], 'warn') });

  const received: Notification[] = [];
  const backend = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const n = verifyNotification(Buffer.concat(chunks), req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined, backendSecret);
        if (!received.some((r) => r.id === n.id)) received.push(n);
        res.writeHead(200).end('ok');
      } catch (err) {
        res.writeHead(401).end((err as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/hooks/recordings`;

  return {
    agoraEmulator: { callbackUrl: receiver.url + CALLBACK_PATHS.agora, callbackSecret: ncsSecret, uploadDelayMs },
    trtcEmulator: { callbackUrl: receiver.url + CALLBACK_PATHS.trtc, callbackSecret: trtcKey, uploadDelayMs },
    notifications: { url: backendUrl, secret: backendSecret },
    received,
    close: async () => {
      await receiver.close();
      await new Promise<void>((resolve) => backend.close(() => resolve()));
    },
  };
}
