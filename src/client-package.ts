/**
 * What the client package (@recording-orchestrator/client, packages/client) exports: the typed
 * client, its errors, and the contract a backend needs to talk to the recording workflow. Built
 * from these sources; nothing here may import the worker, the workflows or a vendor client.
 */
export * from './client';
export { TemporalConnectionError, resolveConnection, type TemporalConnectionSettings } from './temporal-connection';
export {
  PHASES,
  WORKFLOW_TYPE,
  stateQuery,
  stopSignal,
  updateLayoutUpdate,
  updateSubscriptionsUpdate,
  type RecordingFailureDetails,
  type RecordingWorkflow,
  type RecordingWorkflowArgs,
  type Slot,
  type StopRequest,
} from './contract/messages';
export * from './contract/message-schemas';
export type { VendorDetail } from './contract/detail';
export { recordingIdOf } from './contract/recorder';
export { recordingIdSchema } from './contract/request';
export { commonTimings, type TimingOverrides, type Timings } from './contract/timings';
export { timingOverridesSchema, timingsSchema } from './contract/timing-schemas';
export * from './contract/search-attributes';
export { providerRequestSchema, recordingRequestSchema, PROVIDER_NAMES, type ProviderName, type RecordingInput } from './providers/catalog';
export { agoraRequestSchema, layoutSchema, subscriptionsSchema, type AgoraRecordingRequest } from './providers/agora/request';
export { trtcLayoutSchema, trtcRequestSchema, trtcSubscriptionsSchema, type TrtcLayout, type TrtcSubscriptions } from './providers/trtc/request';
