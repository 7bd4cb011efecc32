/**
 * Structured JSON logs for the worker and activities (pino: fast, well kept, redaction built in).
 * Workflow code logs through the SDK's workflow logger instead, which is replay-safe.
 */
import pino, { type Logger } from 'pino';

export function createLogger(secrets: readonly string[] = [], level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const scrub = (s: string): string => secrets.reduce((acc, sec) => (sec.length >= 4 ? acc.split(sec).join('[redacted]') : acc), s);
  return pino({
    level,
    base: { service: 'recording-orchestrator' },
    redact: { paths: ['*.customerSecret', '*.secretKey', '*.accessKey', '*.appCertificate', '*.token', '*.stsToken'], censor: '[redacted]' },
    // Last line of defence: a secret that slipped into a message or a field never leaves the process.
    hooks: {
      streamWrite: (line: string) => scrub(line),
    },
  });
}
