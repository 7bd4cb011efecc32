import { DEFAULT_OPTIONS, startEmulator, type EmulatorOptions } from './server';
import { runTrtcCli } from './trtc/cli';

/**
 * CLI defaults differ from the library's only in the ports: a fixed primary port gives a hand-run emulator stable
 * URLs, and the alternate follows it (port+1) so `--port 0` never collides on a fixed alternate port.
 */
export const CLI_DEFAULTS: Required<EmulatorOptions> = { ...DEFAULT_OPTIONS, port: 8042, altPort: 8043 };
const altPortFor = (port: number) => (port === 0 || port === 65535 ? 0 : port + 1);

type Kind = 'port' | 'int' | 'posint' | 'string' | 'list';
const FLAGS: Record<string, { key: keyof EmulatorOptions; kind: Kind; help: string }> = {
  '--port': { key: 'port', kind: 'port', help: 'primary listener port (0 = any free port)' },
  '--alt-port': { key: 'altPort', kind: 'port', help: 'alternate listener port (0 = any free port)' },
  '--host': { key: 'host', kind: 'string', help: 'interface to bind' },
  '--customer-id': { key: 'customerId', kind: 'string', help: 'Basic auth user (Customer ID)' },
  '--customer-secret': { key: 'customerSecret', kind: 'string', help: 'Basic auth password (Customer Secret)' },
  '--start-delay-ms': { key: 'startDelayMs', kind: 'int', help: 'time for a started task to climb status 0→5' },
  '--qps': { key: 'qps', kind: 'posint', help: 'requests per second per App ID before 429' },
  '--max-concurrent': { key: 'maxConcurrent', kind: 'int', help: 'live tasks per App ID before acquire gets 406' },
  '--resource-ttl-ms': { key: 'resourceTtlMs', kind: 'posint', help: 'resourceId validity' },
  '--exiting-ms': { key: 'exitingMs', kind: 'int', help: 'status 6/7 window after stop/idle exit; a stop in it gets 400 code 49' },
  '--invalid-app-ids': { key: 'invalidAppIds', kind: 'list', help: 'comma-separated App IDs answered 400 "appid is invalid"' },
};

export class UsageError extends Error {}

function defaultText(key: keyof EmulatorOptions): string {
  if (key === 'altPort') return '--port + 1, or 0 when --port is 0';
  const v = CLI_DEFAULTS[key];
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.join(',');
  return String(v);
}

export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([flag, f]) =>
      `  ${`${flag} <value>`.padEnd(28)}${f.help} (default: ${defaultText(f.key)})`,
  );
  return [
    'Usage: tsx src/emulator/main.ts [flags]',
    'Local emulator of the Agora Cloud Recording REST API (see docs/emulator.md).',
    '',
    ...lines,
    `  ${'--help'.padEnd(28)}show this help`,
    '',
    'With --vendor trtc it emulates Tencent TRTC cloud recording instead (--vendor trtc --help lists its flags).',
  ].join('\n');
}

/** Parses `--flag value` and `--flag=value`; returns null for --help. */
export function parseArgs(argv: string[]): Required<EmulatorOptions> | null {
  const opts: Required<EmulatorOptions> = { ...CLI_DEFAULTS };
  let altGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return null;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const spec = FLAGS[flag];
    if (!spec) throw new UsageError(`unknown flag ${flag}`);
    if (spec.key === 'altPort') altGiven = true;
    let value: string | undefined = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    value = value.trim();
    if (spec.kind === 'list') {
      const items = value.split(',').map((x) => x.trim());
      if (items.some((x) => x === '')) throw new UsageError(`${flag} must be a comma-separated list of non-empty values, got '${value}'`);
      (opts as Record<string, unknown>)[spec.key] = items;
      continue;
    }
    if (spec.kind === 'string') {
      if (value === '') throw new UsageError(`${flag} must not be empty`);
      (opts as Record<string, unknown>)[spec.key] = value;
      continue;
    }
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    const min = spec.kind === 'posint' ? 1 : 0;
    const max = spec.kind === 'port' ? 65535 : Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got '${value}'`);
    (opts as Record<string, unknown>)[spec.key] = n;
  }
  if (!altGiven) opts.altPort = altPortFor(opts.port);
  return opts;
}

/** Splits off `--vendor <agora|trtc>` (either form); without it the emulator is Agora's, as before. */
export function splitVendor(argv: string[]): { vendor: 'agora' | 'trtc'; rest: string[] } {
  const rest: string[] = [];
  let vendor: string = 'agora';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--vendor') vendor = argv[++i] ?? '';
    else if (argv[i].startsWith('--vendor=')) vendor = argv[i].slice('--vendor='.length);
    else rest.push(argv[i]);
  }
  if (vendor !== 'agora' && vendor !== 'trtc') throw new UsageError(`--vendor must be agora or trtc, got '${vendor}'`);
  return { vendor, rest };
}

async function main(): Promise<void> {
  let split: ReturnType<typeof splitVendor>;
  try {
    split = splitVendor(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(2);
  }
  if (split.vendor === 'trtc') return runTrtcCli(split.rest);
  let opts: Required<EmulatorOptions> | null;
  try {
    opts = parseArgs(split.rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${usage()}\n`);
    process.exit(2);
  }
  if (opts === null) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const emulator = await startEmulator(opts);
  process.stdout.write(`emulator listening on ${emulator.baseUrl}\nalternate listening on ${emulator.altBaseUrl}\n`);
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

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
