/**
 * One command line for every entry point (worker, CLI helpers, emulators, demo, dev-server, stack,
 * chaos, bench, contract): `--help` prints the usage, written from the flag table, and exits 0; a
 * bad flag or value prints one line naming it and exits 2, never a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionConfig = NonNullable<ParseArgsConfig['options']>[string];
export type FlagTable = Record<string, OptionConfig & { description?: string }>;

export interface CommandLine {
  /** How it is run, e.g. `npm run bench -- scale`. */
  program: string;
  /** One or two sentences on what it does. */
  about: string;
  /** Positional arguments, as shown in the usage line (e.g. `<start|status|stop>`); none when absent. */
  positionals?: string;
  argv?: string[];
}

export function usage(cl: CommandLine, flags: FlagTable): string {
  const rows = Object.entries(flags).map(([name, f]) => {
    const value = f.type === 'string' ? ` <${f.multiple ? 'value…' : 'value'}>` : '';
    const dflt = f.default !== undefined && f.default !== false ? ` (default ${Array.isArray(f.default) ? f.default.join(',') : String(f.default)})` : '';
    return [`  --${name}${value}`, `${f.description ?? ''}${dflt}`.trim()];
  });
  rows.push(['  --help', 'this text']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [`usage: ${cl.program}${cl.positionals ? ` ${cl.positionals}` : ''} [flags]`, `  ${cl.about}`, ...rows.map(([l, r]) => (r ? l.padEnd(width) + r : l))].join('\n');
}

/** Exits 2 with one line naming what is wrong. */
export function usageError(program: string, message: string): never {
  process.stderr.write(`${program}: ${message} (see ${program} --help)\n`);
  process.exit(2);
}

export function parseFlags<const F extends FlagTable>(cl: CommandLine, flags: F) {
  const argv = cl.argv ?? process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage(cl, flags)}\n`);
    process.exit(0);
  }
  const options = Object.fromEntries(Object.entries(flags).map(([k, { description: _d, ...o }]) => [k, o])) as unknown as F;
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: cl.positionals !== undefined });
    if (!cl.positionals && parsed.positionals.length) throw new Error(`unexpected argument '${parsed.positionals[0]}'`);
    return parsed;
  } catch (err) {
    // node's messages end with a hint for script authors ("To specify a positional argument…"): the first sentence names the flag.
    usageError(cl.program, (err as Error).message.split('\n')[0].replace(/\. To specify.*$/, ''));
  }
}
