import { Worker } from '@temporalio/worker';
import { stateQuery } from '../../src/contract/messages';
import { workflowsPath } from '../../src/worker';
import { maybeSaveHistory } from '../support/histories';
import { RecordingEnv } from '../support/recording-env';
import { bundle } from '../support/temporal';

/**
 * A backend (or another SDK) that queries the state right after the start: the query arrives while
 * the first workflow task waits for the input check (a local activity), so the check's result and
 * the code after it are recorded in two workflow tasks. That history must replay, and the query
 * must answer null or a state, never fail.
 */
describe('a state query during the input check', () => {
  let env: RecordingEnv;
  beforeAll(async () => {
    env = await RecordingEnv.start();
  });
  afterAll(async () => env?.stop());

  it('answers null or a state, and the split history replays', async () => {
    // The query must be waiting before a worker takes the first workflow task: start with no worker polling.
    await env.stopWorkerOnly();
    const req = env.request();
    const { workflowId } = await env.client.startRecording(req);
    const handle = env.client.temporal.workflow.getHandle(workflowId);
    const answer = handle.query(stateQuery);
    await new Promise((r) => setTimeout(r, 200));
    const worker = await env.addWorker();
    try {
      const first = await answer;
      if (first !== null) expect(first.recordingId).toBe(req.recordingId);
      await env.waitForState(req.recordingId, (s) => s.phase === 'recording');
      await env.client.stopRecording(req.recordingId);
    } finally {
      await worker.stopWorkerOnly();
    }

    const history = await handle.fetchHistory();
    const types = history.events!.map((e) => String(e.eventType));
    // The scenario happened: a workflow task starts right after the local activity's marker, before any activity is scheduled.
    const check = history.events!.findIndex((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(check).toBeGreaterThan(0);
    expect(types[check + 1]).toBe(String(5)); // WORKFLOW_TASK_SCHEDULED
    await expect(Worker.runReplayHistory({ workflowBundle: await bundle(workflowsPath) }, history, workflowId)).resolves.toBeUndefined();
    await maybeSaveHistory(env.client.temporal, workflowId, 'query-during-input-check');
  });
});
