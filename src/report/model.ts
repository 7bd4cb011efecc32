/**
 * What a report shows: one recording's segments and coverage, or a table of many. Built by the
 * client (src/client.ts) and rendered by ./html.ts and ./text.ts. Secret-free like the state it
 * comes from.
 */
import { computeCoverage, type Coverage } from '../contract/coverage';
import type { Segment } from '../contract/messages';

export interface RecordingReport {
  recordingId: string;
  workflowId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, … */
  status: string;
  phase?: string;
  provider: string;
  account: string;
  channel: string;
  stopReason?: string;
  lastError?: string;
  restarts: number;
  segments: Segment[];
  coverage: Coverage;
  /** A path in the Temporal Web UI. */
  webUiUrl: string;
  generatedAt: string;
}

export interface ReportListRow {
  recordingId: string;
  workflowId: string;
  status: string;
  phase?: string;
  provider?: string;
  account?: string;
  channel?: string;
  restarts?: number;
  /** From the RecordingGapSeconds / RecordingCoverage search attributes. */
  gapSeconds?: number;
  coverage?: number;
  startTime: string;
  closeTime?: string;
}

export interface ReportList {
  query: string;
  rows: ReportListRow[];
  generatedAt: string;
}

/** The fields a report needs, from a state or from a summary: coverage is recomputed from segments. */
export function buildReport(base: Omit<RecordingReport, 'coverage' | 'generatedAt'> & { stoppedAt?: string }, now = new Date()): RecordingReport {
  const { stoppedAt, ...rest } = base;
  return { ...rest, coverage: computeCoverage(base.segments, { stoppedAt }), generatedAt: now.toISOString() };
}
