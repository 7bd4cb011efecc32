import { DEFAULT_OPTIONS, startEmulator, type EmulatorOptions } from './server';
import { flagLines, parseFlags, runEmulatorCli, UsageError, type FlagSpec } from './shared/cli';
import { runTrtcCli } from './trtc/cli';

/**
 * CLI defaults differ from the library's only in the ports: a fixed primary port gives a hand-run emulator stable
 * URLs, and the alternate follows it (port+1) so `--port 0` never collides on a fixed alternate port.
 */
export const CLI_DEFAULTS: Required<EmulatorOptions> = { ...DEFAULT_OPTIONS, port: 8042, altPort: 8043 };
const altPortFor = (port: number) => (port === 0 || port === 65535 ? 0 : port + 1);

const FLAGS: Record<string, FlagSpec<keyof EmulatorOptions>> = {
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
  '--hour-ms': { key: 'hourMs', kind: 'posint', help: 'length of one vendor hour (resourceExpiredHour, RTC token lifetime)' },
  '--invalid-app-ids': { key: 'invalidAppIds', kind: 'list', help: 'comma-separated App IDs answered 400 "appid is invalid"' },
  '--callback-url': { key: 'callbackUrl', kind: 'string', help: 'send NCS callbacks (signed) to this URL' },
  '--callback-secret': { key: 'callbackSecret', kind: 'string', help: 'NCS signing secret (prefer EMULATOR_CALLBACK_SECRET)' },
  '--upload-delay-ms': { key: 'uploadDelayMs', kind: 'int', help: 'recorder end → upload done (callbacks 31/32 and 11)' },
  '--backup-every': { key: 'backupEvery', kind: 'int', help: 'every Nth finished upload ends "backuped" (32); 0 = never' },
};

export { UsageError };

function defaultText(key: keyof EmulatorOptions): string {
  if (key === 'altPort') return '--port + 1, or 0 when --port is 0';
  const v = CLI_DEFAULTS[key];
  if (v === '') return 'none';
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.join(',');
  return String(v);
}

export function usage(): string {
  return [
    'Usage: tsx src/emulator/main.ts [flags]',
    'Local emulator of the Agora Cloud Recording REST API (see docs/emulator.md).',
    '',
    ...flagLines(FLAGS, defaultText, 28),
    '',
    'With --vendor trtc it emulates Tencent TRTC cloud recording instead (--vendor trtc --help lists its flags).',
  ].join('\n');
}

/** Parses `--flag value` and `--flag=value`; returns null for --help. */
export function parseArgs(argv: string[]): Required<EmulatorOptions> | null {
  const opts: Required<EmulatorOptions> = { ...CLI_DEFAULTS };
  // A secret on the command line shows in `ps`; the environment does not.
  if (process.env.EMULATOR_CALLBACK_SECRET) opts.callbackSecret = process.env.EMULATOR_CALLBACK_SECRET;
  const given = parseFlags(argv, FLAGS, opts, { item: /^.+$/, expected: 'non-empty values' });
  if (given === null) return null;
  if (!given.has('altPort')) opts.altPort = altPortFor(opts.port);
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
  await runEmulatorCli(split.rest, parseArgs, usage, startEmulator, (e: Awaited<ReturnType<typeof startEmulator>>) => `emulator listening on ${e.baseUrl}\nalternate listening on ${e.altBaseUrl}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
