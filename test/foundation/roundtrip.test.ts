import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import * as activities from '../fixtures/ping-activities';
import { bundle, connectClient, connectWorker, uniqueTaskQueue, withWorker } from '../support/temporal';

describe('a real Temporal dev server', () => {
  let client: Client;
  let connection: Connection;
  let workerConnection: NativeConnection;
  let workflowBundle: { code: string };

  beforeAll(async () => {
    ({ client, connection } = await connectClient());
    workerConnection = await connectWorker();
    workflowBundle = await bundle(require.resolve('../fixtures/ping-workflow'));
  });
  afterAll(async () => {
    await connection?.close();
    await workerConnection?.close();
  });

  it('runs a workflow that calls an activity and upserts search attributes readable through visibility', async () => {
    const taskQueue = uniqueTaskQueue('ping');
    const workflowId = `${taskQueue}-wf`;
    await withWorker(workerConnection, { taskQueue, workflowBundle, activities }, async () => {
      const result = await client.workflow.execute('pingWorkflow', { taskQueue, workflowId, args: ['hello'] });
      expect(result).toBe('echo:hello');
    });

    // Visibility is eventually consistent: poll the list query until the upsert is indexed.
    const query = `WorkflowId = "${workflowId}" AND RecordingPhase = "pinged" AND RecordingRestarts = 3`;
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = [];
      for await (const wf of client.workflow.list({ query })) found.push(wf.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([workflowId]);

    const description = await client.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.searchAttributes.RecordingPhase).toEqual(['pinged']);
  });
});
