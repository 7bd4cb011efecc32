/** Writes the notification payloads' JSON Schema beside the contract; a test fails when it is stale. */
import fs from 'node:fs';
import path from 'node:path';
import { NOTIFICATION_SCHEMA_PATH, notificationJsonSchemaText } from '../src/notifications/json-schema';

const file = path.resolve(__dirname, '..', NOTIFICATION_SCHEMA_PATH);
fs.writeFileSync(file, notificationJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
