/**
 * The smallest owner of recorders, for the receiver's end-to-end tests only: it upserts the search
 * attributes the recording workflow upserts (RecorderIds, RecordingProvider, RecordingChannel,
 * RecordingAppId) and keeps every recorderEvent signal it gets, without deduplicating, so a test
 * sees exactly how many signals the receiver sent.
 */
import { condition, defineQuery, defineSignal, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { recorderEventSignal, type RecorderEvent } from '../../src/contract/events';
import { RecorderIds, RecordingAppId, RecordingChannel, RecordingProvider } from '../../src/contract/search-attributes';

export const ownRecorderSignal = defineSignal<[string]>('ownRecorder');
export const finishSignal = defineSignal('finish');
export const eventsQuery = defineQuery<RecorderEvent[]>('events');

export interface CollectorInput {
  provider: string;
  channel?: string;
  account?: string;
  recorderIds: string[];
}

export async function collectorWorkflow(input: CollectorInput): Promise<RecorderEvent[]> {
  const events: RecorderEvent[] = [];
  const owned = [...input.recorderIds];
  let finished = false;
  setHandler(recorderEventSignal, (e) => void events.push(e));
  setHandler(eventsQuery, () => events);
  setHandler(finishSignal, () => void (finished = true));
  setHandler(ownRecorderSignal, (id) => {
    owned.push(id);
    upsertSearchAttributes([{ key: RecorderIds, value: owned }]);
  });
  upsertSearchAttributes([
    { key: RecordingProvider, value: input.provider },
    ...(input.channel ? [{ key: RecordingChannel, value: input.channel }] : []),
    ...(input.account ? [{ key: RecordingAppId, value: input.account }] : []),
    ...(owned.length > 0 ? [{ key: RecorderIds, value: owned }] : []),
  ]);
  await condition(() => finished);
  return events;
}
