/**
 * Structured JSON logs (pino: fast, well kept, redaction built in) for the worker, the activities
 * and, through `sdkLogger`, the Temporal SDK itself, workflow logs included (the SDK routes those
 * through a replay-safe sink). Lines written while an activity runs carry its recording's ids.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import { REDACTED, redactText } from './redact';
import { isRecordingWorkflowId, recordingIdOf } from './contract/recorder';

/** The recording an activity works for; every line logged inside it (the HTTP client's too) gets these fields. */
export const logContext = new AsyncLocalStorage<Record<string, string | undefined>>();

export function createLogger(secrets: readonly string[] = [], level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'recording-orchestrator' },
      mixin: () => logContext.getStore() ?? {},
      redact: { paths: ['*.customerSecret', '*.secretKey', '*.accessKey', '*.appCertificate', '*.token', '*.stsToken'], censor: REDACTED },
      // Last line of defence: a secret that slipped into a message or a field never leaves the process.
      hooks: {
        streamWrite: (line: string) => redactText(line, secrets),
      },
    },
    destination,
  );
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * Each of our workers serves only workflows or only one account's activities by design, so the SDK's
 * start-up warnings about the other half read like a fault; createWorkers says what each serves.
 */
const EXPECTED_NOTICES = new Set(['No workflows registered, not polling for workflow tasks', 'No activities registered, not polling for activity tasks']);

/**
 * The Temporal runtime's logger, writing through pino so SDK and workflow lines are JSON like ours.
 * The SDK's own lifecycle lines (debug level) know only the workflow id; the recording id is
 * derived from it so they can be joined with ours.
 */
export function sdkLogger(logger: Logger): TemporalLogger {
  const log = (given: LogLevel, message: string, meta?: LogMetadata) => {
    const level = given === 'WARN' && EXPECTED_NOTICES.has(message) ? 'DEBUG' : given;
    const workflowId = meta?.workflowId;
    const ids = typeof workflowId === 'string' && isRecordingWorkflowId(workflowId) && meta?.recordingId === undefined ? { recordingId: recordingIdOf(workflowId) } : {};
    logger[LEVELS[level]]({ ...ids, ...meta }, message);
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}
