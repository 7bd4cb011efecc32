/**
 * Argument parsing for the CLI: node:util parseArgs in strict mode, global options accepted
 * before or after the command, and errors rewritten to one line that names the option.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { z } from 'zod';

/** Bad arguments: exit code 2, nothing was started. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in help: `--channel NAME`. */
  value?: string;
  help: string;
}
export type OptionSpecs = Record<string, OptionSpec>;
export type Values = Record<string, string | boolean | undefined>;

export const globalOptions: OptionSpecs = {
  address: { type: 'string', value: 'HOST:PORT', help: 'Temporal frontend (env TEMPORAL_ADDRESS, then the profile, default localhost:7233)' },
  namespace: { type: 'string', value: 'NAME', help: 'Temporal namespace (env TEMPORAL_NAMESPACE, then the profile, default "default")' },
  profile: { type: 'string', value: 'NAME', help: 'temporal.toml profile (env TEMPORAL_PROFILE; file TEMPORAL_CONFIG_FILE); TLS and API key come from it or TEMPORAL_TLS_*/TEMPORAL_API_KEY' },
  'task-queue': { type: 'string', value: 'NAME', help: 'task queue of the recording workers (env TEMPORAL_TASK_QUEUE, default "recordings")' },
  'ui-url': { type: 'string', value: 'URL', help: 'Temporal Web UI, for the links describe prints (env TEMPORAL_UI_URL, default http://localhost:8233)' },
  json: { type: 'boolean', help: 'machine-readable JSON on stdout' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** The command is the first positional; values of global string options are skipped over. */
export function findCommand(argv: string[]): { command?: string; index: number } {
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--') return { command: argv[i + 1], index: i + 1 };
    if (t.startsWith('-')) {
      const name = t.replace(/^--?/, '');
      if (!t.includes('=') && globalOptions[name]?.type === 'string') i++;
      continue;
    }
    return { command: t, index: i };
  }
  return { index: -1 };
}

/**
 * update and layout take `--json VALUE` as the request body, while a bare `--json` (last, or
 * followed by another option) keeps its global meaning: JSON output.
 */
export function splitJsonBody(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t.startsWith('--json=')) out.push(`--json-body=${t.slice('--json='.length)}`);
    else if (t === '--json' && i + 1 < argv.length && !argv[i + 1].startsWith('-')) out.push(`--json-body=${argv[++i]}`);
    else out.push(t);
  }
  return out;
}

export function parse(argv: string[], options: OptionSpecs, context: string): { values: Values; positionals: string[] } {
  const config = Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
  try {
    const r = parseArgs({ args: argv, options: config, strict: true, allowPositionals: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (err) {
    throw new UsageError(describeParseError(err as Error & { code?: string }, context));
  }
}

function describeParseError(err: Error & { code?: string }, context: string): string {
  const name = (/'(-[^' ]+)/.exec(err.message)?.[1] ?? '').replace('--json-body', '--json');
  const help = `(see: ${context} --help)`;
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${name} ${help}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing|ambiguous/.test(err.message)) return `option ${name} needs a value (a value starting with '-' is written ${name}=VALUE)`;
      if (/does not take an argument/.test(err.message)) return `option ${name} takes no value`;
      return `option ${name}: ${err.message.split('\n')[0]}`;
    default:
      return err.message.split('\n')[0];
  }
}

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function int(values: Values, name: string, min: number, max: number): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`--${name}: must be an integer, got '${v}'`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${name}: must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** "1,2, 3" → ['1','2','3']; values are validated by the domain schema afterwards. */
export function uidList(values: Values, name: string): string[] | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const list = v.split(',').map((s) => s.trim());
  if (list.some((s) => s === '')) throw new UsageError(`--${name}: expected a comma-separated list of uids (or #allstream#), got '${v}'`);
  return list;
}

/** Inline JSON (starting with { or [) or a file holding it (optionally written @file). */
export function jsonObject(value: string, option: string): Record<string, unknown> {
  const trimmed = value.trim();
  let text = trimmed;
  if (!/^[[{]/.test(trimmed)) {
    const file = trimmed.replace(/^@/, '');
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`${option}: not inline JSON and cannot read file '${file}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${option}: invalid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${option}: must be a JSON object`);
  return parsed as Record<string, unknown>;
}

/**
 * Zod issues as one line, each naming the field and, when a flag supplied it, the flag:
 * "channel (--channel): has a character outside the 89 Agora allows".
 */
export function issuesMessage(error: z.ZodError, flags: Record<string, string>, given: Values, prefix = ''): string {
  const parts = error.issues.map((i) => {
    const path = i.path.map(String);
    const field = [prefix, ...path].filter(Boolean).join('.') || '(input)';
    let flag: string | undefined;
    for (let n = path.length; n > 0 && !flag; n--) flag = flags[path.slice(0, n).join('.')];
    const shown = flag && given[flag.slice(2)] !== undefined ? `${field} (${flag})` : field;
    return `${shown}: ${i.message}`;
  });
  return `invalid input: ${parts.join('; ')}`;
}
