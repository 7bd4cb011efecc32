// The workflow bundle's entry point: everything exported here is registered on the worker.
export { recordingWorkflow } from './recording-workflow';
