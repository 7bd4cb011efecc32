import { ApplicationFailure, CancellationScope, condition, patched, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import { recorderEventSignal } from '../contract/events';
import { formatIssues } from '../contract/input-errors';
import { awaitStoppedUpdate, stateQuery, stopSignal, updateLayoutUpdate, updateSubscriptionsUpdate, type RecordingSummary, type RecordingWorkflowArgs } from '../contract/messages';
import type { RecordingInputBase } from '../contract/request';
import type { SettingName } from '../contract/recorder';
import type { InputActivities } from '../input-check';
import { specOf } from '../providers/specs';
import { decidePatchesBeforeInputCheck, PATCH } from './patches';
import { Recording } from './recording';

const { checkRecordingInput } = proxyLocalActivities<InputActivities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 5 } });

const invalid = (why: string) => ApplicationFailure.nonRetryable(`invalid input: ${why}`, 'InvalidInput');

/**
 * The request, checked before anything reaches the vendor (a start around our client, from the
 * UI or another SDK, may carry anything). A continued run carries what its first run checked.
 */
async function checkedInput(args: RecordingWorkflowArgs): Promise<RecordingInputBase> {
  if (args.carried) return args.input;
  if (patched(PATCH.inputCheckedOutsideSandbox)) {
    const r = await checkRecordingInput(args.input);
    if ('invalid' in r) throw invalid(r.invalid);
    return r.input;
  }
  // Histories recorded before the check moved out of the sandbox checked it here, building the schemas in it.
  const { recordingRequestSchema } = require('../providers/catalog') as typeof import('../providers/catalog');
  const parsed = recordingRequestSchema.safeParse(args.input);
  if (!parsed.success) throw invalid(formatIssues(parsed.error, 'input'));
  return parsed.data;
}

/**
 * One workflow per recording, from the first request to the last stop. Shaped after
 * temporalio/samples-typescript message-passing/safe-message-handlers: this function wires the
 * handlers to a state class, which owns the lifecycle. The handlers exist from the first
 * activation; what reaches them while the input is being checked waits for the recording.
 */
export async function recordingWorkflow(args: RecordingWorkflowArgs): Promise<RecordingSummary> {
  let recording: Recording | undefined;
  const ready = () => recording !== undefined;
  // At once when the recording exists (as before the input check was a local activity: the same order in replays), else once it does.
  const withRecording = (act: (r: Recording) => void) => (recording ? act(recording) : void condition(ready).then(() => act(recording!)));

  setHandler(stateQuery, () => recording?.state ?? null);
  setHandler(stopSignal, (req) => withRecording((r) => r.requestStop(req?.reason)));
  setHandler(recorderEventSignal, (ev) => withRecording((r) => r.onEvent(ev)));
  setHandler(awaitStoppedUpdate, async () => {
    if (!recording) await condition(ready);
    return recording!.awaitStopped();
  });
  for (const [update, name] of [
    [updateSubscriptionsUpdate, 'subscriptions'],
    [updateLayoutUpdate, 'layout'],
  ] as const) {
    // The provider's setting schemas are built on first use (./providers/specs): only a recording that receives an update pays for them.
    const schema = () => specOf(recording!.input).settings[name as SettingName];
    setHandler(update, (value) => recording!.changeSetting(name, schema().parse(value)), {
      // Synchronous on purpose: an async validator is silently ignored by the SDK.
      validator: (value) => {
        if (!recording) throw new Error('the recording is still checking its request; try again in a moment');
        const r = schema().safeParse(value);
        if (!r.success) throw new Error(formatIssues(r.error, name));
        recording.assertSettingAllowed(name);
      },
    });
  }

  decidePatchesBeforeInputCheck();
  const input = await checkedInput(args);
  try {
    recording = new Recording({ input, carried: args.carried });
  } catch (err) {
    throw invalid((err as Error).message);
  }

  // Cancel (Web UI, CLI, a parent workflow) means stop: a cancelled workflow must not leave its
  // recorder running unowned, so the lifecycle is shielded and winds down like a stop signal.
  const r = recording;
  CancellationScope.current().cancelRequested.catch(() => r.requestStop('workflow cancelled'));
  return CancellationScope.nonCancellable(() => r.run());
}
