import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { workflowsPath } from '../../src/worker';
import { historiesDir } from '../support/histories';
import { bundle, quietRuntime } from '../support/temporal';

/**
 * Saved histories of the main scenarios (RECORD_HISTORIES=1 npx jest test/workflow) replayed
 * against today's workflow code: a non-deterministic change fails here, before it ships.
 * A change that must alter behaviour goes behind patched() so old histories still replay.
 */
describe('replay of saved histories', () => {
  const files = fs.existsSync(historiesDir) ? fs.readdirSync(historiesDir).filter((f) => f.endsWith('.json')) : [];

  it('has saved histories of the main scenarios', () => {
    expect(files).toEqual(
      expect.arrayContaining(['start-monitor-stop.json', 'restart-after-404.json', 'updates-and-restart.json', 'continue-as-new-first-run.json', 'trtc-restart-and-modify.json', 'trtc-idle-then-recording.json', 'query-during-input-check.json']),
    );
  });

  it('replays every saved history without non-determinism', async () => {
    quietRuntime();
    const workflowBundle = await bundle(workflowsPath);
    const histories = files.map((f) => ({
      workflowId: path.basename(f, '.json'),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8'))),
    }));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle }, histories)) results.push(r);
    expect(results).toHaveLength(files.length);
    for (const r of results) expect({ id: r.workflowId, error: r.error?.message }).toEqual({ id: r.workflowId, error: undefined });
  });
});
