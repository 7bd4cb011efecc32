export { startTrtcEmulator, TRTC_DEFAULT_OPTIONS, type RunningTrtcEmulator, type TrtcEmulatorOptions } from './server';
export { trtcTaskView, type TrtcTaskView } from './control';
export type { TrtcLogEntry } from './stats';
export type { TrtcFaultSpec } from './faults';
