import { ApplicationFailure, CancellationScope, setHandler } from '@temporalio/workflow';
import { layoutSchema, recordingInputSchema, formatIssues, subscriptionsSchema } from '../domain/input';
import { stateQuery, stopSignal, updateLayoutUpdate, updateSubscriptionsUpdate, type RecordingSummary, type RecordingWorkflowArgs } from './messages';
import { Recording } from './recording';

/**
 * One workflow per recording, from the first acquire to the last uploaded file.
 * Shape after temporalio/samples-typescript message-passing/safe-message-handlers: the
 * function wires handlers to a state class, which owns the lifecycle.
 */
export async function recordingWorkflow(args: RecordingWorkflowArgs): Promise<RecordingSummary> {
  const parsed = recordingInputSchema.safeParse(args.input);
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

  setHandler(stateQuery, () => recording.state);
  setHandler(stopSignal, (req) => recording.requestStop(req?.reason));
  // Validators are synchronous on purpose: an async validator is silently ignored by the SDK.
  setHandler(updateSubscriptionsUpdate, (s) => recording.updateSubscriptions(subscriptionsSchema.parse(s)), {
    validator: (s) => {
      rejectInvalid(subscriptionsSchema.safeParse(s), 'subscriptions');
      if (recording.stopRequested) throw new Error('the recording is stopping');
    },
  });
  setHandler(updateLayoutUpdate, (l) => recording.updateLayout(layoutSchema.parse(l)), {
    validator: (l) => {
      rejectInvalid(layoutSchema.safeParse(l), 'layout');
      recording.assertLayoutAllowed();
      if (recording.stopRequested) throw new Error('the recording is stopping');
    },
  });

  // Cancel (Web UI, CLI, a parent workflow) means stop: a cancelled workflow must not leave its
  // recorder running unowned, so the lifecycle is shielded and winds down like a stop signal.
  CancellationScope.current().cancelRequested.catch(() => recording.requestStop('workflow cancelled'));
  return CancellationScope.nonCancellable(() => recording.run());
}

function rejectInvalid(r: { success: boolean; error?: import('zod').ZodError }, prefix: string): void {
  if (!r.success) throw new Error(formatIssues(r.error!, prefix));
}
