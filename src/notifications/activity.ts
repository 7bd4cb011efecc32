/**
 * The notifyBackend activity: POSTs one notification, signed with the worker's secret, and lets
 * Temporal retry it. A 2xx is delivered; 408, 429, 5xx, a timeout or a refused connection are
 * retried; any other 4xx means the backend will never take it, so retrying would only delay the
 * next one. Delivery is at-least-once: a backend dedupes on the notification id.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import { redactText } from '../redact';
import type { NotificationsConfig } from './config';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './sign';
import type { Notification, NotifyResult } from './types';

export const NOTIFICATION_NOT_DELIVERED = 'NotificationNotDelivered';
export const NOTIFICATION_REFUSED = 'NotificationRefused';

export interface NotificationActivities {
  /** `to.url` is the recording's own endpoint (its request's notify.url); the worker's otherwise. */
  notifyBackend(n: Notification, to?: { url?: string }): Promise<NotifyResult>;
}

const retryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

export function createNotificationActivities(config: NotificationsConfig | undefined, logger: Logger): NotificationActivities {
  return {
    async notifyBackend(n, to) {
      const url = to?.url ?? config?.url;
      if (!url) return { sent: false, reason: 'no endpoint' };
      if (!config) {
        logger.warn({ notification: n.id }, 'notification not sent: the worker has no notifications section (its signing secret)');
        return { sent: false, reason: 'no signing secret: the worker configuration has no notifications section' };
      }
      const body = JSON.stringify(n);
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'recording-orchestrator',
            [EVENT_ID_HEADER]: n.id,
            [SIGNATURE_HEADER]: signatureHeader(body, config.secret),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(config.timeoutMs),
        });
      } catch (err) {
        const e = err as Error & { cause?: Error };
        const why = e.name === 'TimeoutError' ? `no answer within ${config.timeoutMs} ms` : `${e.message}${e.cause ? `: ${e.cause.message}` : ''}`;
        logger.warn({ notification: n.id, type: n.type }, `notification not delivered: ${why}`);
        throw ApplicationFailure.retryable(`backend unreachable: ${why}`, NOTIFICATION_NOT_DELIVERED);
      }
      // The backend's words, short and without our secret, for the failure shown in the UI.
      const said = redactText((await res.text().catch(() => '')).slice(0, 200), [config.secret]);
      if (res.status >= 200 && res.status < 300) {
        logger.info({ notification: n.id, type: n.type, status: res.status }, 'notification delivered');
        return { sent: true, status: res.status };
      }
      const message = `backend answered HTTP ${res.status}${said ? `: ${said}` : ''}`;
      logger.warn({ notification: n.id, type: n.type, status: res.status }, `notification not delivered: ${message}`);
      if (retryableStatus(res.status)) throw ApplicationFailure.retryable(message, NOTIFICATION_NOT_DELIVERED);
      throw ApplicationFailure.nonRetryable(message, NOTIFICATION_REFUSED);
    },
  };
}
