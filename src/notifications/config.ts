/** The notifications part of the worker configuration: where to POST, the signing secret, the timeout. */
import { z } from 'zod';

export const notificationsConfigSchema = z.strictObject({
  /** The default endpoint; a recording's `notify.url` replaces it. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** HMAC-SHA256 key shared with the backend; write "env:NAME" to keep it out of the file. */
  secret: z.string({ error: (i) => (i.input === undefined ? 'is required (the HMAC signing secret)' : 'must be a string') }).min(16, 'must be at least 16 characters'),
  /** One delivery attempt; a slower backend is retried (with backoff) like a failed one. */
  timeoutMs: z.number().int().min(100).max(30_000).default(5_000),
});
export type NotificationsConfig = z.output<typeof notificationsConfigSchema>;

/** Environment variables a container sets instead of the file. */
export function notificationsEnvOverrides(section: Record<string, any>, env: NodeJS.ProcessEnv): Record<string, any> {
  if (env.NOTIFICATIONS_URL) section.url = env.NOTIFICATIONS_URL;
  if (env.NOTIFICATIONS_SECRET) section.secret = env.NOTIFICATIONS_SECRET;
  if (env.NOTIFICATIONS_TIMEOUT_MS) section.timeoutMs = Number(env.NOTIFICATIONS_TIMEOUT_MS);
  return section;
}
