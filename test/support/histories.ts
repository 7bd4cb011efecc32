import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { ensureTemporalCli } from '../../scripts/lib/temporal-cli';
import { testAddress } from './temporal';

export const historiesDir = path.resolve(__dirname, '..', 'histories');

/**
 * With RECORD_HISTORIES=1 (or a comma-separated list of names), saves a finished workflow's
 * history under test/histories so the replay suite can prove later workflow code still replays it
 * (non-determinism fails CI). Saved histories are never re-recorded: a new scenario gets a new name.
 */
export async function maybeSaveHistory(_client: Client, workflowId: string, name: string, runId?: string): Promise<void> {
  const wanted = process.env.RECORD_HISTORIES;
  if (wanted !== '1' && !wanted?.split(',').includes(name)) return;
  // The CLI's JSON is the canonical proto JSON that historyFromJSON reads back.
  const { address, namespace } = testAddress();
  const args = ['workflow', 'show', '--address', address, '--namespace', namespace, '-w', workflowId, '-o', 'json'];
  const json = execFileSync(ensureTemporalCli(), runId ? [...args, '-r', runId] : args, { encoding: 'utf8' });
  fs.mkdirSync(historiesDir, { recursive: true });
  fs.writeFileSync(path.join(historiesDir, `${name}.json`), json);
}

/** A history as text with every payload decoded, so a secret cannot hide in base64. */
export async function decodedHistoryText(client: Client, workflowId: string, runId?: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return JSON.stringify(history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
}
