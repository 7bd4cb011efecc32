import { flagLines, parseFlags, runEmulatorCli, UsageError, type FlagSpec } from '../shared/cli';
import { startTrtcEmulator, TRTC_DEFAULT_OPTIONS, type RunningTrtcEmulator, type TrtcEmulatorOptions } from './server';

/** A fixed port gives a hand-run emulator a stable URL; 8044 stays clear of Agora's 8042/8043. */
export const TRTC_CLI_DEFAULTS: Required<TrtcEmulatorOptions> = { ...TRTC_DEFAULT_OPTIONS, port: 8044 };

const FLAGS: Record<string, FlagSpec<keyof TrtcEmulatorOptions>> = {
  '--port': { key: 'port', kind: 'port', help: 'listener port (0 = any free port)' },
  '--host': { key: 'host', kind: 'string', help: 'interface to bind' },
  '--secret-id': { key: 'secretId', kind: 'string', help: 'the account SecretId requests are signed with' },
  '--secret-key': { key: 'secretKey', kind: 'string', help: 'the account SecretKey (prefer TRTC_EMULATOR_SECRET_KEY)' },
  '--start-delay-ms': { key: 'startDelayMs', kind: 'int', help: 'create (or HA re-pull) → robot pulling media' },
  '--qps': { key: 'qps', kind: 'posint', help: 'requests per second per account before RequestLimitExceeded' },
  '--max-concurrent': { key: 'maxConcurrent', kind: 'int', help: 'live tasks per account before FailedOperation.RestrictedConcurrency' },
  '--exiting-ms': { key: 'exitingMs', kind: 'int', help: 'how long an ended task answers Describe with Status "Exited"' },
  '--hour-ms': { key: 'hourMs', kind: 'posint', help: 'length of one vendor hour (ResourceExpiredHour, UserSig lifetime)' },
  '--invalid-sdk-app-ids': { key: 'invalidSdkAppIds', kind: 'list', help: 'comma-separated SdkAppIds answered InvalidParameter.SdkAppId' },
  '--callback-url': { key: 'callbackUrl', kind: 'string', help: 'send recording callbacks (signed) to this URL' },
  '--callback-secret': { key: 'callbackSecret', kind: 'string', help: 'callback key for the Sign header (prefer TRTC_EMULATOR_CALLBACK_KEY)' },
  '--upload-delay-ms': { key: 'uploadDelayMs', kind: 'int', help: 'task end → upload done (305/310, 311/312)' },
  '--backup-every': { key: 'backupEvery', kind: 'int', help: 'every Nth finished upload leaves files in backup (Status 1); 0 = never' },
};


export function trtcUsage(): string {
  const shown = (key: keyof TrtcEmulatorOptions): string => {
    const d = TRTC_CLI_DEFAULTS[key];
    if (d === '') return 'none';
    return key === 'secretKey' ? '(built-in test key)' : Array.isArray(d) ? (d.length ? d.join(',') : 'none') : String(d);
  };
  return [
    'Usage: tsx src/emulator/main.ts --vendor trtc [flags]',
    'Local emulator of Tencent TRTC cloud recording (API 3.0, see docs/emulator.md).',
    'Environment: TRTC_EMULATOR_SECRET_KEY sets the SecretKey; TRTC_EMULATOR_SDK_SECRET_KEYS="<SdkAppId>=<key>,…" turns on UserSig checks;',
    'TRTC_EMULATOR_CALLBACK_KEY sets the callback key.',
    '',
    ...flagLines(FLAGS, shown, 30),
  ].join('\n');
}

/** Parses `--flag value` / `--flag=value` (the `--vendor trtc` pair already removed); null for --help. */
export function parseTrtcArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Required<TrtcEmulatorOptions> | null {
  const opts: Required<TrtcEmulatorOptions> = { ...TRTC_CLI_DEFAULTS, invalidSdkAppIds: [], sdkSecretKeys: {} };
  // Secrets come from the environment so they stay out of `ps` listings.
  if (env.TRTC_EMULATOR_SECRET_KEY) opts.secretKey = env.TRTC_EMULATOR_SECRET_KEY;
  if (env.TRTC_EMULATOR_CALLBACK_KEY) opts.callbackSecret = env.TRTC_EMULATOR_CALLBACK_KEY;
  if (env.TRTC_EMULATOR_SDK_SECRET_KEYS) {
    for (const pair of env.TRTC_EMULATOR_SDK_SECRET_KEYS.split(',')) {
      const m = /^\s*(\d+)=(\S+)\s*$/.exec(pair);
      if (!m) throw new UsageError('TRTC_EMULATOR_SDK_SECRET_KEYS must be "<SdkAppId>=<key>,…"');
      opts.sdkSecretKeys[m[1]] = m[2];
    }
  }
  return parseFlags(argv, FLAGS, opts, { item: /^\d+$/, expected: 'SdkAppIds' }) === null ? null : opts;
}

/** `main.ts --vendor trtc …`: same contract as Agora's (first stdout line `emulator listening on <url>`, SIGTERM exits 0). */
export async function runTrtcCli(argv: string[]): Promise<void> {
  await runEmulatorCli(argv, parseTrtcArgs, trtcUsage, startTrtcEmulator, (e: RunningTrtcEmulator) => `emulator listening on ${e.baseUrl}\nvendor trtc, SecretId ${e.options.secretId}\n`);
}
