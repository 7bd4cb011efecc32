/**
 * npm run stack -- start|stop|status: a production-shaped Temporal cluster on PostgreSQL without
 * Docker (scripts/lib/stack.ts; docs/deploy.md).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCerts } from './lib/certs';
import { defaultPorts, stackDir, stackProfileFile, STACK_PROFILE, stackStatus, startStack, stopStack, versions } from './lib/stack';
import { repoRoot } from './lib/temporal-cli';

const USAGE = `usage: npm run stack -- <start|stop|status> [options]

  start     build what is missing (Temporal server ${versions.temporalServer} and its SQL tool from the Go module,
            into .tools/), start PostgreSQL ${versions.postgres} (Debian's; data in .data/stack/pg), create and
            migrate the schemas, start the frontend, history, matching and worker services as separate
            processes, register the namespace and search attributes, then the Web UI (if its server
            builds), the Agora emulator and the recording workers
  stop      stop every process the stack started (workers, emulator, UI, services, PostgreSQL)
  status    each process with its pid and health

start options:
  --workers N           recording worker processes (default 2; 0 for none)
  --agora MODE          emulator: start the Agora emulator and point the workers at it (default);
                        config: use the worker config file as it is (AGORA_* secrets from the environment)
  --worker-config FILE  worker configuration (default config/worker.example.json, the file compose mounts)
  --tls                 frontend on mTLS with certificates generated into .data/stack/tls (openssl)
  --tls-dir DIR         frontend on mTLS with these certificates (ca.pem, server.pem/.key,
                        internal.pem/.key for the internal worker service, client.pem/.key for clients)
  --no-ui               do not try the Web UI server
  --namespace NAME      namespace to create (default "default")
  --port-base N         ports are N+233 (frontend gRPC), N+432 (PostgreSQL), … (default 17000)
common options:
  --json                machine-readable output (start, status)
  -h, --help            this help

Connect any tool of this repository to the stack with its profile:
  TEMPORAL_CONFIG_FILE=.data/stack/temporal.toml TEMPORAL_PROFILE=stack npm run --silent cli -- list`;

function fail(message: string): never {
  console.error(`stack: ${message}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      strict: true,
      options: {
        workers: { type: 'string', default: '2' },
        agora: { type: 'string', default: 'emulator' },
        'worker-config': { type: 'string', default: path.join(repoRoot, 'config', 'worker.example.json') },
        tls: { type: 'boolean', default: false },
        'tls-dir': { type: 'string' },
        'no-ui': { type: 'boolean', default: false },
        namespace: { type: 'string', default: 'default' },
        'port-base': { type: 'string', default: '17000' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    const e = err as Error & { code?: string };
    const flag = /'(-[^' ]+)/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') fail(`unknown option ${flag} (see: npm run stack -- --help)`);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') fail(`${flag ?? 'option'}: ${e.message.split('\n')[0]} (see: npm run stack -- --help)`);
    fail(`${e.message.split('\n')[0]} (see: npm run stack -- --help)`);
  }
}

async function main(): Promise<number> {
  const { values: f, positionals } = parse();
  if (f.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (!command) fail('missing command: start, stop or status (see: npm run stack -- --help)');
  if (extra.length) fail(`unexpected argument '${extra[0]}' (see: npm run stack -- --help)`);
  const say = (line: string) => (f.json ? process.stderr : process.stdout).write(`${line}\n`);

  if (command === 'start') {
    const workers = Number(f.workers);
    if (!Number.isInteger(workers) || workers < 0 || workers > 16) fail(`--workers: must be an integer from 0 to 16, got '${f.workers}'`);
    if (f.agora !== 'emulator' && f.agora !== 'config') fail(`--agora: must be emulator or config, got '${f.agora}'`);
    const portBase = Number(f['port-base']);
    if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 64_000) fail(`--port-base: must be an integer from 1024 to 64000, got '${f['port-base']}'`);
    if (f.tls && f['tls-dir']) fail('--tls and --tls-dir: give one of them');
    if (!f.namespace.trim()) fail('--namespace: must not be empty');
    let tlsDir = f['tls-dir'];
    if (f.tls) {
      tlsDir = path.join(stackDir, 'tls');
      generateCerts(tlsDir);
      say(`certificates generated in ${path.relative(process.cwd(), tlsDir)}`);
    }
    const t0 = Date.now();
    const state = await startStack(
      { workers, agora: f.agora, workerConfig: f['worker-config'], tlsDir, ui: !f['no-ui'], namespace: f.namespace, portBase },
      say,
    );
    const total = Date.now() - t0;
    say(
      `\nStack up in ${(total / 1000).toFixed(1)} s (${state.timings.builtTools ? `first build of the Go tools ${(state.timings.toolsMs / 1000).toFixed(0)} s, ` : ''}start ${(state.timings.startMs / 1000).toFixed(1)} s).`,
    );
    say(`Temporal frontend: 127.0.0.1:${state.ports.grpc.frontend}${state.tlsDir ? ' (mTLS)' : ''}, namespace ${state.namespace}`);
    say(`Web UI: ${state.ui && 'url' in state.ui ? state.ui.url : `not available: ${state.ui?.unavailable ?? 'unknown'}`}`);
    say(`Profile "${STACK_PROFILE}" in ${path.relative(process.cwd(), stackProfileFile)}: TEMPORAL_CONFIG_FILE=${path.relative(process.cwd(), stackProfileFile)} TEMPORAL_PROFILE=${STACK_PROFILE} npm run --silent cli -- list`);
    if (f.json) console.log(JSON.stringify({ ...state, emulator: state.emulator ? { ...state.emulator, customerSecret: undefined } : undefined, totalMs: total }));
    return 0;
  }
  if (command === 'stop') {
    const t0 = Date.now();
    const stopped = await stopStack(say);
    say(stopped.length ? `stopped ${stopped.length} process(es) in ${((Date.now() - t0) / 1000).toFixed(1)} s` : 'nothing was running');
    return 0;
  }
  if (command === 'status') {
    const { state, procs } = await stackStatus();
    if (!state) {
      say(`no stack has been started here (no ${path.relative(process.cwd(), path.join(stackDir, 'state.json'))}); ports would be ${JSON.stringify(defaultPorts().grpc)}`);
      if (f.json) console.log(JSON.stringify({ running: false, procs: [] }));
      return 1;
    }
    const running = procs.some((p) => p.up);
    say(`stack started ${state.startedAt}; Temporal ${state.versions.temporalServer}, PostgreSQL ${state.versions.postgres}; frontend 127.0.0.1:${state.ports.grpc.frontend}${state.tlsDir ? ' (mTLS)' : ''}`);
    const width = Math.max(...procs.map((p) => p.name.length));
    for (const p of procs) say(`  ${p.up ? 'up  ' : 'DOWN'} ${p.name.padEnd(width)} ${String(p.pid ?? '-').padStart(7)}  ${p.health}`);
    say(`Web UI: ${state.ui && 'url' in state.ui ? state.ui.url : `not available: ${state.ui?.unavailable ?? 'unknown'}`}`);
    if (f.json) console.log(JSON.stringify({ running, procs, ports: state.ports, ui: state.ui }));
    const healthy = running && procs.every((p) => p.up && !/CLOSED|NOT ANSWERING/.test(p.health));
    return healthy ? 0 : 1;
  }
  fail(`unknown command '${command}': start, stop or status (see: npm run stack -- --help)`);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`stack: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
