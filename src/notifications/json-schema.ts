/** The notification payloads as JSON Schema (draft 2020-12), for backends that do not read TypeScript. */
import { z } from 'zod';
import { notificationSchema } from './types';

export const NOTIFICATION_SCHEMA_PATH = 'src/contract/notifications.schema.json';

export function notificationJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(notificationSchema, { target: 'draft-2020-12' });
  return { $schema, title: 'Recording notification', ...rest };
}

export function notificationJsonSchemaText(): string {
  return `${JSON.stringify(notificationJsonSchema(), null, 2)}\n`;
}
