/**
 * The emulators' command line, written once: `--flag value` / `--flag=value` parsing with errors
 * that name the flag, the help lines, and serving until SIGINT/SIGTERM. Each emulator supplies its
 * flag table, defaults and banner.
 */
export type FlagKind = 'port' | 'int' | 'posint' | 'string' | 'list';
export interface FlagSpec<K extends string> {
  key: K;
  kind: FlagKind;
  help: string;
}

export class UsageError extends Error {}

/** What a `list` flag's items must look like, and how its error says so. */
export interface ListRule {
  item: RegExp;
  expected: string;
}

/** Fills `opts` from argv; returns the keys given, or null for --help. */
export function parseFlags<O extends object>(argv: string[], flags: Record<string, FlagSpec<Extract<keyof O, string>>>, opts: O, list: ListRule): Set<keyof O> | null {
  const given = new Set<keyof O>();
  const set = (key: keyof O, v: unknown) => ((opts as Record<keyof O, unknown>)[key] = v);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return null;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const spec = flags[flag];
    if (!spec) throw new UsageError(`unknown flag ${flag}`);
    given.add(spec.key);
    let value: string | undefined = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    value = value.trim();
    if (spec.kind === 'list') {
      const items = value.split(',').map((x) => x.trim());
      if (items.some((x) => !list.item.test(x))) throw new UsageError(`${flag} must be a comma-separated list of ${list.expected}, got '${value}'`);
      set(spec.key, items);
    } else if (spec.kind === 'string') {
      if (value === '') throw new UsageError(`${flag} must not be empty`);
      set(spec.key, value);
    } else {
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      const min = spec.kind === 'posint' ? 1 : 0;
      const max = spec.kind === 'port' ? 65535 : Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got '${value}'`);
      set(spec.key, n);
    }
  }
  return given;
}

export function flagLines<K extends string>(flags: Record<string, FlagSpec<K>>, defaultText: (key: K) => string, width: number): string[] {
  return [...Object.entries(flags).map(([flag, f]) => `  ${`${flag} <value>`.padEnd(width)}${f.help} (default: ${defaultText(f.key)})`), `  ${'--help'.padEnd(width)}show this help`];
}

/** Parses, prints usage on --help, one line naming a bad flag (exit 2), starts the emulator and serves until SIGINT/SIGTERM. */
export async function runEmulatorCli<O>(
  argv: string[],
  parse: (argv: string[]) => O | null,
  usage: () => string,
  start: (opts: O) => Promise<{ close(): Promise<void> }>,
  banner: (emulator: never) => string,
): Promise<void> {
  let opts: O | null;
  try {
    opts = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message} (see --help)\n`);
    process.exit(2);
  }
  if (opts === null) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const emulator = await start(opts);
  process.stdout.write(banner(emulator as never));
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
