import { ApplicationFailure, CancellationScope, setHandler } from '@temporalio/workflow';
import { recorderEventSignal } from '../contract/events';
import { awaitStoppedUpdate, stateQuery, stopSignal, updateLayoutUpdate, updateSubscriptionsUpdate, type RecordingSummary, type RecordingWorkflowArgs } from '../contract/messages';
import type { SettingName } from '../contract/recorder';
import { formatIssues } from '../contract/request';
import { recordingRequestSchema, specOf } from '../providers/catalog';
import { Recording } from './recording';

/**
 * One workflow per recording, from the first request to the last stop. Shaped after
 * temporalio/samples-typescript message-passing/safe-message-handlers: this function wires the
 * handlers to a state class, which owns the lifecycle.
 */
export async function recordingWorkflow(args: RecordingWorkflowArgs): Promise<RecordingSummary> {
  const parsed = recordingRequestSchema.safeParse(args.input);
  if (!parsed.success) {
    // Started around our client (the UI, another SDK): refuse before anything reaches the vendor.
    throw ApplicationFailure.nonRetryable(`invalid input: ${formatIssues(parsed.error, 'input')}`, 'InvalidInput');
  }
  let recording: Recording;
  try {
    recording = new Recording({ input: parsed.data, carried: args.carried });
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`invalid input: ${(err as Error).message}`, 'InvalidInput');
  }
  const settingSchema = (name: SettingName) => specOf(parsed.data).settings[name];

  setHandler(stateQuery, () => recording.state);
  setHandler(stopSignal, (req) => recording.requestStop(req?.reason));
  setHandler(recorderEventSignal, (ev) => recording.onEvent(ev));
  setHandler(awaitStoppedUpdate, () => recording.awaitStopped());
  for (const [update, name] of [
    [updateSubscriptionsUpdate, 'subscriptions'],
    [updateLayoutUpdate, 'layout'],
  ] as const) {
    setHandler(update, (value) => recording.changeSetting(name, settingSchema(name).parse(value)), {
      // Synchronous on purpose: an async validator is silently ignored by the SDK.
      validator: (value) => {
        const r = settingSchema(name).safeParse(value);
        if (!r.success) throw new Error(formatIssues(r.error, name));
        recording.assertSettingAllowed(name);
      },
    });
  }

  // Cancel (Web UI, CLI, a parent workflow) means stop: a cancelled workflow must not leave its
  // recorder running unowned, so the lifecycle is shielded and winds down like a stop signal.
  CancellationScope.current().cancelRequested.catch(() => recording.requestStop('workflow cancelled'));
  return CancellationScope.nonCancellable(() => recording.run());
}
