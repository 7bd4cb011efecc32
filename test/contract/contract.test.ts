import path from 'node:path';
import { contractDrift, contractFiles } from '../../scripts/lib/contract';
import { recordingWorkflow } from '../../src/workflows/recording-workflow';
import type { RecordingWorkflow } from '../../src/contract/messages';

// The contract's signature is the workflow's own: a change to either fails the type-check.
const sameSignature: RecordingWorkflow = recordingWorkflow;

describe('contract/ (language-neutral JSON Schemas and the workflow manifest)', () => {
  it('matches what the zod schemas generate (npm run contract regenerates it)', () => {
    expect(sameSignature).toBe(recordingWorkflow);
    expect(contractDrift(path.resolve(__dirname, '../..'))).toEqual({ stale: [], extra: [] });
  });

  it('names the workflow, its queue and id convention, and a schema for every message', () => {
    const files = contractFiles();
    const manifest = JSON.parse(files['contract/recording-workflow.json']);
    expect(manifest).toMatchObject({
      workflowType: 'recordingWorkflow',
      taskQueue: { default: 'recordings' },
      workflowId: { format: 'recording-<recordingId>', idConflictPolicy: 'USE_EXISTING', idReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' },
    });
    expect(Object.keys(manifest.signals)).toEqual(['stop', 'recorderEvent']);
    expect(Object.keys(manifest.queries)).toEqual(['state']);
    expect(Object.keys(manifest.updates).sort()).toEqual(['awaitStopped', 'updateLayout', 'updateSubscriptions']);
    const referenced = JSON.stringify(manifest).match(/schemas\/[a-z-]+\.schema\.json/g)!;
    for (const ref of referenced) expect(Object.keys(files)).toContain(`contract/${ref}`);

    const input = JSON.parse(files['contract/schemas/workflow-input.schema.json']);
    expect(input.required).toEqual(['input']);
    const providers = input.properties.input.oneOf ?? input.properties.input.anyOf;
    expect(providers.map((p: { properties: { provider: { const: string } } }) => p.properties.provider.const).sort()).toEqual(['agora', 'trtc']);
    const failure = JSON.parse(files['contract/schemas/failure-details.schema.json']);
    expect(failure.required).toContain('segments');
    // The state, or null while a run still checks its request.
    const state = JSON.parse(files['contract/schemas/state-query.schema.json']);
    const [object, nothing] = state.anyOf;
    expect(object.properties.phase.enum).toContain('recording');
    expect(nothing).toEqual({ type: 'null' });
  });
});
