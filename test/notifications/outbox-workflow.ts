/**
 * A small workflow around the Outbox, as the recording uses it: emit, continue-as-new carrying
 * the state, drain before completing. Sample payloads keep it about delivery, not content.
 */
import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { NotificationType, NotifyRequest } from '../../src/notifications/types';
import { Outbox, type OutboxState } from '../../src/workflows/notify';
import { sampleData } from './samples';

export interface OutboxTestArgs {
  types: NotificationType[];
  /** Continue-as-new before emitting types[continueBefore] (first run only). */
  continueBefore?: number;
  /** Drain before continuing as new; otherwise the outbox is carried undelivered. */
  drainBeforeContinue?: boolean;
  notify?: NotifyRequest;
  deadlineMs?: number;
  /** Send through another worker's queue (the recording worker's). */
  taskQueue?: string;
  carried?: { state: OutboxState; next: number };
}

export interface OutboxTestResult {
  pending: number;
  notifySeq?: number;
  runs: string[];
}

export async function outboxTestWorkflow(args: OutboxTestArgs, runs: string[] = []): Promise<OutboxTestResult> {
  const state: OutboxState = args.carried?.state ?? {};
  const outbox = new Outbox(state, { recordingId: 'r-outbox', notify: args.notify, deadlineMs: args.deadlineMs ?? 60_000, taskQueue: args.taskQueue });
  outbox.start();
  for (let i = args.carried?.next ?? 0; i < args.types.length; i++) {
    if (i === args.continueBefore && !args.carried) {
      if (args.drainBeforeContinue) await outbox.drained();
      await continueAsNew<typeof outboxTestWorkflow>({ ...args, carried: { state, next: i } }, [...runs, workflowInfo().runId]);
    }
    outbox.emit(args.types[i], sampleData[args.types[i]]);
  }
  await outbox.drained();
  return { pending: outbox.pending, notifySeq: state.notifySeq, runs: [...runs, workflowInfo().runId] };
}
