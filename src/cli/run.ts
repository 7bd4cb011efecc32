/**
 * runCli: parse, dispatch, map errors to exit codes. 0 ok, 1 runtime failure (cannot connect,
 * not found, rejected), 2 bad arguments (nothing was started). No stack traces for expected
 * errors; RO_CLI_DEBUG=1 prints them for unexpected ones.
 */
import { Client, Connection, WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE, InvalidInputError, RecordingClient } from '../client';
import { connectClient, resolveConnection, TemporalConnectionError } from '../temporal-connection';
import { findCommand, globalOptions, parse, splitJsonBody, str, UsageError, type OptionSpecs } from './args';
import { commands, type Command, type CommandContext } from './commands';

export interface CliIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: Record<string, string | undefined>;
}

const PROG = 'npm run --silent cli --';

class ConnectError extends Error {}

function optionLines(options: OptionSpecs): string {
  const entries = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name === 'json-body' ? 'json' : name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.help] as const;
  });
  const width = Math.max(...entries.map(([f]) => f.length));
  return entries.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`).join('\n');
}

export function topUsage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    `Usage: ${PROG} <command> [options]`,
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options (before or after the command):',
    optionLines(globalOptions),
    '',
    `Run "${PROG} <command> --help" for a command's options.`,
    'Exit codes: 0 ok, 1 runtime failure, 2 bad arguments (nothing was started).',
  ].join('\n');
}

export function commandUsage(name: string, c: Command): string {
  return [
    `Usage: ${PROG} ${name} ${c.synopsis}`,
    '',
    c.summary.charAt(0).toUpperCase() + c.summary.slice(1) + '.',
    ...(Object.keys(c.options).length ? ['', 'Options:', optionLines(c.options)] : []),
    '',
    'Global options:',
    optionLines(globalOptions),
    '',
    'Examples:',
    ...c.examples.map((e) => `  ${PROG} ${e}`),
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const out = (text: string) => void io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const fail = (code: number, message: string) => {
    io.stderr.write(`error: ${message}\n`);
    return code;
  };
  let client: RecordingClient | undefined;
  let recordingId: string | undefined;
  try {
    const { command, index } = findCommand(argv);
    if (command === undefined || command === 'help') {
      const { values, positionals } = parse(argv, globalOptions, PROG.trim());
      const topic = command === 'help' ? positionals[1] : undefined;
      if (topic !== undefined) {
        const c = commands[topic];
        if (!c) throw new UsageError(`unknown command '${topic}' (commands: ${Object.keys(commands).join(', ')})`);
        out(commandUsage(topic, c));
        return 0;
      }
      if (values.help || command === 'help') {
        out(topUsage());
        return 0;
      }
      io.stderr.write(`${topUsage()}\n\n`);
      return fail(2, 'missing command');
    }
    const spec = commands[command];
    if (!spec) throw new UsageError(`unknown command '${command}' (commands: ${Object.keys(commands).join(', ')})`);

    const rest = [...argv.slice(0, index), ...argv.slice(index + 1)];
    const { values, positionals } = parse(spec.jsonBody ? splitJsonBody(rest) : rest, { ...globalOptions, ...spec.options }, `${PROG} ${command}`);
    if (values.help) {
      out(commandUsage(command, spec));
      return 0;
    }
    if (positionals.length > spec.positionals.length) throw new UsageError(`unexpected argument '${positionals[spec.positionals.length]}' (usage: ${command} ${spec.synopsis})`);
    // A positional written 'ID?' is optional (report ID | report --list); the command checks which it got.
    if (positionals.length < spec.positionals.filter((p) => !p.endsWith('?')).length) {
      throw new UsageError(`missing ${spec.positionals[positionals.length] === 'ID' ? 'recording id' : spec.positionals[positionals.length]} (usage: ${command} ${spec.synopsis})`);
    }
    recordingId = positionals[0] ?? str(values, 'recording-id');

    const taskQueue = str(values, 'task-queue') ?? io.env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
    for (const [flag, v] of [['--address', str(values, 'address')], ['--namespace', str(values, 'namespace')], ['--profile', str(values, 'profile')], ['--task-queue', taskQueue]]) {
      if (v !== undefined && !v.trim()) throw new UsageError(`${flag}: must not be empty`);
    }
    const uiUrl = str(values, 'ui-url');
    if (uiUrl !== undefined && !/^https?:\/\/[^/]/.test(uiUrl)) throw new UsageError(`--ui-url: must be an http(s) URL, got '${uiUrl}'`);
    // Profile (temporal.toml), TEMPORAL_* variables, then the flags: see src/temporal-connection.ts.
    const settings = resolveConnection({ explicit: { address: str(values, 'address'), namespace: str(values, 'namespace') }, profile: str(values, 'profile'), env: io.env });
    const ctx: CommandContext = {
      values,
      positionals,
      json: values.json === true,
      out,
      client: async () => {
        if (!client) {
          let connection: Connection;
          try {
            connection = await connectClient(settings, { connectTimeout: '5s' });
          } catch (err) {
            throw new ConnectError(firstLine(err));
          }
          client = new RecordingClient(new Client({ connection, namespace: settings.namespace }), taskQueue, str(values, 'ui-url') ?? (io.env.TEMPORAL_UI_URL || undefined));
        }
        return client;
      },
    };
    return await spec.run(ctx);
  } catch (err) {
    if (err instanceof UsageError || err instanceof InvalidInputError) return fail(2, err.message);
    if (err instanceof ConnectError || err instanceof TemporalConnectionError) return fail(1, err.message);
    if (err instanceof WorkflowNotFoundError) return fail(1, `recording '${recordingId}' not found (no workflow ${err.workflowId})`);
    if (err instanceof WorkflowUpdateFailedError) return fail(1, `update rejected: ${firstLine(err.cause ?? err)}`);
    if (err instanceof WorkflowFailedError) return fail(1, `recording '${recordingId}' failed: ${firstLine(err.cause ?? err)}`);
    if (io.env.RO_CLI_DEBUG) io.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    return fail(1, firstLine(err));
  } finally {
    await client?.close().catch(() => undefined);
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] || (err as Error)?.name || 'unknown error';
}
