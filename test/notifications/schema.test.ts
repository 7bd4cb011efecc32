import fs from 'node:fs';
import path from 'node:path';
import { NOTIFICATION_SCHEMA_PATH, notificationJsonSchema, notificationJsonSchemaText } from '../../src/notifications/json-schema';
import { NOTIFICATION_TYPES, notificationSchema } from '../../src/notifications/types';
import { sampleNotification } from './samples';

describe('the notification payloads', () => {
  it('the committed JSON Schema is the one generated from the zod schema (npm run notifications:schema)', () => {
    const committed = fs.readFileSync(path.resolve(__dirname, '../..', NOTIFICATION_SCHEMA_PATH), 'utf8');
    expect(committed).toBe(notificationJsonSchemaText());
  });

  it('has one variant per type, each with its required data fields', () => {
    const schema = notificationJsonSchema() as { oneOf: { properties: { type: { const: string }; data: { required: string[] } }; required: string[] }[] };
    expect(schema.oneOf.map((v) => v.properties.type.const)).toEqual([...NOTIFICATION_TYPES]);
    for (const v of schema.oneOf) {
      expect(v.required).toEqual(['id', 'type', 'recordingId', 'workflowId', 'occurredAt', 'data']);
      expect(v.properties.data.required).toEqual(expect.arrayContaining(['provider', 'account', 'channel']));
    }
  });

  it('accepts every sample and fields it does not know yet; rejects a wrong type or missing data', () => {
    for (const t of NOTIFICATION_TYPES) expect(notificationSchema.safeParse(sampleNotification(t)).success).toBe(true);
    const n = sampleNotification('recording.stopped');
    expect(notificationSchema.safeParse({ ...n, future: 1, data: { ...n.data, alsoNew: true } }).success).toBe(true);
    expect(notificationSchema.safeParse({ ...n, type: 'recording.paused' }).success).toBe(false);
    expect(notificationSchema.safeParse({ ...n, data: { provider: 'agora' } }).success).toBe(false);
  });
});
