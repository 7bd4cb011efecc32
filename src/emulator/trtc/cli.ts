import { startTrtcEmulator, TRTC_DEFAULT_OPTIONS, type TrtcEmulatorOptions } from './server';

/** A fixed port gives a hand-run emulator a stable URL; 8044 stays clear of Agora's 8042/8043. */
export const TRTC_CLI_DEFAULTS: Required<TrtcEmulatorOptions> = { ...TRTC_DEFAULT_OPTIONS, port: 8044 };

type Kind = 'port' | 'int' | 'posint' | 'string' | 'list';
const FLAGS: Record<string, { key: keyof TrtcEmulatorOptions; kind: Kind; help: string }> = {
  '--port': { key: 'port', kind: 'port', help: 'listener port (0 = any free port)' },
  '--host': { key: 'host', kind: 'string', help: 'interface to bind' },
  '--secret-id': { key: 'secretId', kind: 'string', help: 'the account SecretId requests are signed with' },
  '--secret-key': { key: 'secretKey', kind: 'string', help: 'the account SecretKey (prefer TRTC_EMULATOR_SECRET_KEY)' },
  '--start-delay-ms': { key: 'startDelayMs', kind: 'int', help: 'create (or HA re-pull) → robot pulling media' },
  '--qps': { key: 'qps', kind: 'posint', help: 'requests per second per account before RequestLimitExceeded' },
  '--max-concurrent': { key: 'maxConcurrent', kind: 'int', help: 'live tasks per account before FailedOperation.RestrictedConcurrency' },
  '--exiting-ms': { key: 'exitingMs', kind: 'int', help: 'how long an ended task answers Describe with Status "Exited"' },
  '--hour-ms': { key: 'hourMs', kind: 'posint', help: 'length of one ResourceExpiredHour hour' },
  '--invalid-sdk-app-ids': { key: 'invalidSdkAppIds', kind: 'list', help: 'comma-separated SdkAppIds answered InvalidParameter.SdkAppId' },
};

export class TrtcUsageError extends Error {}

export function trtcUsage(): string {
  const lines = Object.entries(FLAGS).map(([flag, f]) => {
    const d = TRTC_CLI_DEFAULTS[f.key];
    const shown = f.key === 'secretKey' ? '(built-in test key)' : Array.isArray(d) ? (d.length ? d.join(',') : 'none') : String(d);
    return `  ${`${flag} <value>`.padEnd(30)}${f.help} (default: ${shown})`;
  });
  return [
    'Usage: tsx src/emulator/main.ts --vendor trtc [flags]',
    'Local emulator of Tencent TRTC cloud recording (API 3.0, see docs/emulator.md).',
    'Environment: TRTC_EMULATOR_SECRET_KEY sets the SecretKey; TRTC_EMULATOR_SDK_SECRET_KEYS="<SdkAppId>=<key>,…" turns on UserSig checks.',
    '',
    ...lines,
    `  ${'--help'.padEnd(30)}show this help`,
  ].join('\n');
}

/** Parses `--flag value` / `--flag=value` (the `--vendor trtc` pair already removed); null for --help. */
export function parseTrtcArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Required<TrtcEmulatorOptions> | null {
  const opts: Required<TrtcEmulatorOptions> = { ...TRTC_CLI_DEFAULTS, invalidSdkAppIds: [], sdkSecretKeys: {} };
  // Secrets come from the environment so they stay out of `ps` listings.
  if (env.TRTC_EMULATOR_SECRET_KEY) opts.secretKey = env.TRTC_EMULATOR_SECRET_KEY;
  if (env.TRTC_EMULATOR_SDK_SECRET_KEYS) {
    for (const pair of env.TRTC_EMULATOR_SDK_SECRET_KEYS.split(',')) {
      const m = /^\s*(\d+)=(\S+)\s*$/.exec(pair);
      if (!m) throw new TrtcUsageError('TRTC_EMULATOR_SDK_SECRET_KEYS must be "<SdkAppId>=<key>,…"');
      opts.sdkSecretKeys[m[1]] = m[2];
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return null;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const spec = FLAGS[flag];
    if (!spec) throw new TrtcUsageError(`unknown flag ${flag}`);
    let value: string | undefined = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new TrtcUsageError(`${flag} needs a value`);
    value = value.trim();
    if (spec.kind === 'list') {
      const items = value.split(',').map((x) => x.trim());
      if (items.some((x) => !/^\d+$/.test(x))) throw new TrtcUsageError(`${flag} must be a comma-separated list of SdkAppIds, got '${value}'`);
      opts.invalidSdkAppIds = items;
    } else if (spec.kind === 'string') {
      if (value === '') throw new TrtcUsageError(`${flag} must not be empty`);
      (opts as Record<string, unknown>)[spec.key] = value;
    } else {
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      const min = spec.kind === 'posint' ? 1 : 0;
      const max = spec.kind === 'port' ? 65535 : Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(n) || n < min || n > max) throw new TrtcUsageError(`${flag} must be an integer in [${min}, ${max}], got '${value}'`);
      (opts as Record<string, unknown>)[spec.key] = n;
    }
  }
  return opts;
}

/** `main.ts --vendor trtc …`: same contract as Agora's (first stdout line `emulator listening on <url>`, SIGTERM exits 0). */
export async function runTrtcCli(argv: string[]): Promise<void> {
  let opts: Required<TrtcEmulatorOptions> | null;
  try {
    opts = parseTrtcArgs(argv);
  } catch (err) {
    if (!(err instanceof TrtcUsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${trtcUsage()}\n`);
    process.exit(2);
  }
  if (opts === null) {
    process.stdout.write(`${trtcUsage()}\n`);
    return;
  }
  const emulator = await startTrtcEmulator(opts);
  process.stdout.write(`emulator listening on ${emulator.baseUrl}\nvendor trtc, SecretId ${emulator.options.secretId}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
