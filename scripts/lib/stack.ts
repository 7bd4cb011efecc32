/**
 * A production-shaped Temporal cluster without Docker (npm run stack): the Temporal server and its
 * schema tool built from the Go module at the version docker-compose.yml runs (config/versions.json),
 * Debian's PostgreSQL on its own data directory and port, the frontend, history, matching and
 * internal-worker services as separate processes, the project's dynamic config, the namespace and
 * the recording search attributes, optionally the Web UI server, the Agora emulator and N
 * recording worker processes. Every process is detached and writes to .data/stack/logs; pids and
 * ports are in .data/stack/state.json so `status`, `stop` and the chaos suite can find them.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { stringify } from 'yaml';
import { recordingSearchAttributes, searchAttributeTypeNames } from '../../src/contract/search-attributes';
import { dataDir } from './dev-server';
import { repoRoot } from './temporal-cli';
import { startWorkerProcess } from './worker-process';

export interface Versions {
  temporalServer: string;
  temporalAdminTools: string;
  temporalUi: string;
  postgres: string;
}
export const versions: Versions = JSON.parse(fs.readFileSync(path.join(repoRoot, 'config', 'versions.json'), 'utf8'));
export const dynamicConfigFile = path.join(repoRoot, 'config', 'temporal-dynamicconfig.yaml');

/** STACK_DATA_DIR moves the whole stack (the stack tests run one of their own beside yours). */
export const stackDir = process.env.STACK_DATA_DIR ? path.resolve(process.env.STACK_DATA_DIR) : path.join(dataDir, 'stack');
const stateFile = path.join(stackDir, 'state.json');
const logsDir = path.join(stackDir, 'logs');
const pgDir = path.join(stackDir, 'pg');
const pgData = path.join(pgDir, 'data');
const pgRun = path.join(pgDir, 'run');
export const stackProfileFile = path.join(stackDir, 'temporal.toml');
export const STACK_PROFILE = 'stack';

export const SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type Service = (typeof SERVICES)[number];

export interface StackPorts {
  postgres: number;
  grpc: Record<Service, number>;
  membership: Record<Service, number>;
  metrics: Record<Service, number>;
  frontendHttp: number;
  ui: number;
  emulator: number;
  workerMetrics: number;
}

/** Off every default (dev server 7233/8233, compose 5432/7233/8080), so a dev server runs beside it. */
export function defaultPorts(base = 17000): StackPorts {
  return {
    postgres: base + 432,
    grpc: { frontend: base + 233, history: base + 234, matching: base + 235, worker: base + 239 },
    membership: { frontend: base + 933, history: base + 934, matching: base + 935, worker: base + 939 },
    metrics: { frontend: base + 801, history: base + 802, matching: base + 803, worker: base + 804 },
    frontendHttp: base + 243,
    ui: base + 80,
    emulator: base + 90,
    workerMetrics: base + 464,
  };
}

/** The certificates of a frontend on mTLS (file names inside the directory given to --tls-dir). */
export const TLS_FILES = {
  ca: 'ca.pem',
  serverCert: 'server.pem',
  serverKey: 'server.key',
  /** The internal worker service's client certificate (it calls the frontend). */
  internalCert: 'internal.pem',
  internalKey: 'internal.key',
  /** The certificate the stack's workers, the CLI profile and the admin steps present. */
  clientCert: 'client.pem',
  clientKey: 'client.key',
} as const;

export interface ProcRecord {
  name: string;
  pid: number;
  /** A token of its command line, so a recycled pid is never taken for it. */
  match: string;
  log: string;
}

export interface StackState {
  versions: Versions;
  startedAt: string;
  ports: StackPorts;
  namespace: string;
  taskQueue: string;
  tlsDir?: string;
  procs: ProcRecord[];
  emulator?: { baseUrl: string; altBaseUrl: string; customerId: string; customerSecret: string };
  ui?: { url: string } | { unavailable: string };
  appIds: string[];
  timings: { toolsMs: number; startMs: number; builtTools: boolean };
}

export type Log = (line: string) => void;

// ---------------------------------------------------------------- processes

export function alive(p: Pick<ProcRecord, 'pid' | 'match'>): boolean {
  try {
    process.kill(p.pid, 0);
  } catch {
    return false;
  }
  try {
    const cmd = fs.readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false;
    return cmd.includes(p.match);
  } catch {
    return false;
  }
}

export async function killProc(p: ProcRecord, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  if (!alive(p)) return;
  // Each process was started as the leader of its own process group: signal the group, so a
  // child it has (a wrapper's node process) goes with it.
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-p.pid, sig);
    } catch {
      try {
        process.kill(p.pid, sig);
      } catch {
        // gone
      }
    }
  };
  signalGroup(signal);
  const deadline = Date.now() + graceMs;
  while (alive(p) && Date.now() < deadline) await sleep(100);
  if (alive(p)) {
    signalGroup('SIGKILL');
    while (alive(p)) await sleep(50);
  }
  // Whatever of the group outlived its leader.
  try {
    process.kill(-p.pid, 'SIGKILL');
  } catch {
    // none left
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function spawnDetached(name: string, cmd: string, args: string[], match: string, env: NodeJS.ProcessEnv = process.env, cwd = repoRoot): ProcRecord {
  fs.mkdirSync(logsDir, { recursive: true });
  const log = path.join(logsDir, `${name}.log`);
  const fd = fs.openSync(log, 'a');
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  child.unref();
  return { name, pid: child.pid!, match, log };
}

function tail(file: string, lines = 5): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function waitPort(p: ProcRecord, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(p)) throw new Error(`${p.name} exited during start-up; last lines of ${p.log}:\n${tail(p.log)}`);
    if (await portOpen(port)) return;
    await sleep(200);
  }
  throw new Error(`${p.name} did not listen on ${port} within ${timeoutMs / 1000} s; see ${p.log}`);
}

// ---------------------------------------------------------------- tools

export interface ServerTools {
  server: string;
  sql: string;
  schemaDir: string;
  uiServer?: string;
}

const toolsDir = () => path.join(repoRoot, '.tools', `temporal-server-${versions.temporalServer}`);

function goAvailable(): string | undefined {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function goInstall(pkg: string, bin: string, log: Log): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-gobin-'));
  try {
    const r = spawnSync('nice', ['-n', '10', 'go', 'install', '-trimpath', pkg], {
      env: { ...process.env, GOBIN: tmp, GOFLAGS: process.env.GOFLAGS ?? '' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`go install ${pkg} failed (exit ${r.status})`);
    const built = fs.readdirSync(tmp)[0];
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.copyFileSync(path.join(tmp, built), bin);
    fs.chmodSync(bin, 0o755);
    log(`  built ${path.relative(repoRoot, bin)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * temporal-server and temporal-sql-tool at versions.temporalServer, built with `go install` into
 * the git-ignored .tools/ the first time; the PostgreSQL schemas are copied beside them from the
 * module, so later starts need no Go.
 */
export function ensureServerTools(log: Log): { tools: ServerTools; built: boolean } {
  const dir = toolsDir();
  const tools: ServerTools = {
    server: path.join(dir, 'bin', 'temporal-server'),
    sql: path.join(dir, 'bin', 'temporal-sql-tool'),
    schemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
  const missing = [tools.server, tools.sql, path.join(tools.schemaDir, 'temporal', 'versioned')].filter((f) => !fs.existsSync(f));
  if (missing.length === 0) return { tools, built: false };
  const go = goAvailable();
  if (!go) {
    throw new Error(
      `Go is not installed, and ${missing.map((m) => path.relative(repoRoot, m)).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing: install Go ≥ 1.24 (Debian: apt-get install golang-go, or go.dev/dl) so the stack can build Temporal server ${versions.temporalServer} from its Go module`,
    );
  }
  const v = `v${versions.temporalServer}`;
  if (!fs.existsSync(tools.server) || !fs.existsSync(tools.sql)) {
    log(`Building Temporal server ${v} and its SQL tool from the Go module into ${path.relative(repoRoot, dir)} (${go}; first run only, minutes)...`);
  }
  if (!fs.existsSync(tools.server)) goInstall(`go.temporal.io/server/cmd/server@${v}`, tools.server, log);
  if (!fs.existsSync(tools.sql)) goInstall(`go.temporal.io/server/cmd/tools/sql@${v}`, tools.sql, log);
  const modDir = path.join(execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim(), `go.temporal.io/server@${v}`);
  fs.mkdirSync(path.dirname(tools.schemaDir), { recursive: true });
  fs.cpSync(path.join(modDir, 'schema', 'postgresql', 'v12'), tools.schemaDir, { recursive: true });
  return { tools, built: true };
}

/**
 * The Web UI server (github.com/temporalio/ui-server/v2) at versions.temporalUi, tried once: a
 * failure is remembered in .tools so later starts say why instead of building again.
 */
export function ensureUiServer(log: Log): { bin?: string; unavailable?: string } {
  const dir = toolsDir();
  const bin = path.join(dir, 'bin', `temporal-ui-server-${versions.temporalUi}`);
  const failed = path.join(dir, `ui-server-${versions.temporalUi}.failed`);
  if (fs.existsSync(bin)) return { bin };
  if (fs.existsSync(failed)) return { unavailable: fs.readFileSync(failed, 'utf8').trim() };
  if (!goAvailable()) return { unavailable: 'Go is not installed' };
  log(`Trying the Web UI server v${versions.temporalUi} from its Go module (once)...`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-ui-'));
  try {
    const r = spawnSync('nice', ['-n', '10', 'go', 'install', '-trimpath', `github.com/temporalio/ui-server/v2/cmd/server@v${versions.temporalUi}`], {
      env: { ...process.env, GOBIN: tmp },
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      const why = `go install github.com/temporalio/ui-server/v2/cmd/server@v${versions.temporalUi} failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(failed, `${why}\n`);
      return { unavailable: why };
    }
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.copyFileSync(path.join(tmp, fs.readdirSync(tmp)[0]), bin);
    fs.chmodSync(bin, 0o755);
    return { bin };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- PostgreSQL

const PG_USER = 'temporal';
const PG_PASSWORD = 'temporal';

/** Debian's PostgreSQL at versions.postgres; installed with apt-get when missing. */
export function ensurePostgres(log: Log): string {
  const bin = `/usr/lib/postgresql/${versions.postgres}/bin`;
  if (fs.existsSync(path.join(bin, 'pg_ctl'))) return bin;
  log(`PostgreSQL ${versions.postgres} is not installed: apt-get install postgresql-${versions.postgres}...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', `postgresql-${versions.postgres}`], { env, stdio: 'inherit' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: 'inherit' });
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', `postgresql-${versions.postgres}`], { env, stdio: 'inherit' });
  }
  if (r.status !== 0 || !fs.existsSync(path.join(bin, 'pg_ctl'))) {
    throw new Error(`PostgreSQL ${versions.postgres} is missing and apt-get install postgresql-${versions.postgres} failed: install it (as root) and retry`);
  }
  // Debian's package starts a cluster of its own on 5432; the stack uses its own data directory.
  return bin;
}

function asPostgres(cmd: string, args: string[], opts: { stdio?: 'inherit' | 'pipe' } = {}) {
  return spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8', cwd: '/', stdio: opts.stdio ?? 'pipe' });
}

/** initdb on first use; true when the cluster is new (the schemas must be created). */
function pgInit(bin: string): boolean {
  if (fs.existsSync(path.join(pgData, 'PG_VERSION'))) return false;
  fs.mkdirSync(pgRun, { recursive: true });
  const pw = path.join(pgDir, 'pwfile');
  fs.writeFileSync(pw, `${PG_PASSWORD}\n`);
  execFileSync('chown', ['-R', 'postgres:postgres', pgDir]);
  const r = asPostgres(path.join(bin, 'initdb'), ['-D', pgData, '-U', PG_USER, `--pwfile=${pw}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8']);
  fs.rmSync(pw, { force: true });
  if (r.status !== 0) throw new Error(`initdb failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return true;
}

export function pgPid(): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

export function pgStart(bin: string, port: number): void {
  fs.mkdirSync(pgRun, { recursive: true });
  execFileSync('chown', ['postgres:postgres', pgRun]);
  const r = asPostgres(path.join(bin, 'pg_ctl'), [
    '-D', pgData, '-l', path.join(pgDir, 'postgres.log'), '-w', '-t', '60',
    '-o', `-p ${port} -k ${pgRun} -c listen_addresses=127.0.0.1 -c max_connections=200`,
    'start',
  ]);
  if (r.status !== 0) throw new Error(`PostgreSQL did not start: ${(r.stderr || r.stdout).trim()}; see ${path.join(pgDir, 'postgres.log')}`);
}

/** `fast` for a clean stop; `immediate` is a crash (the chaos suite's outage). */
export function pgStop(bin: string, mode: 'fast' | 'immediate' = 'fast'): void {
  if (!pgPid()) return;
  asPostgres(path.join(bin, 'pg_ctl'), ['-D', pgData, '-m', mode, '-w', '-t', '60', 'stop']);
}

function sqlTool(tools: ServerTools, port: number, db: string, args: string[]): void {
  const r = spawnSync(tools.sql, ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(port), '-u', PG_USER, '--pw', PG_PASSWORD, '--db', db, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`temporal-sql-tool ${args[0]} on ${db} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
}

/** Creates (first time) and migrates the temporal and temporal_visibility databases. */
function migrate(tools: ServerTools, port: number, fresh: boolean, log: Log): void {
  for (const [db, schema] of [['temporal', 'temporal'], ['temporal_visibility', 'visibility']] as const) {
    if (fresh) {
      sqlTool(tools, port, db, ['create-database']);
      sqlTool(tools, port, db, ['setup-schema', '-v', '0.0']);
    }
    sqlTool(tools, port, db, ['update-schema', '-d', path.join(tools.schemaDir, schema, 'versioned')]);
    log(`  schema ${db}: ${fresh ? 'created and ' : ''}migrated (${path.relative(repoRoot, path.join(tools.schemaDir, schema, 'versioned'))})`);
  }
}

// ---------------------------------------------------------------- server configuration

export function serviceConfig(svc: Service, ports: StackPorts, tlsDir?: string): Record<string, unknown> {
  const store = (database: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `127.0.0.1:${ports.postgres}`,
      connectProtocol: 'tcp',
      user: PG_USER,
      password: PG_PASSWORD,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const services = Object.fromEntries(
    SERVICES.map((s) => [
      s,
      { rpc: { grpcPort: ports.grpc[s], membershipPort: ports.membership[s], bindOnLocalHost: true, ...(s === 'frontend' ? { httpPort: ports.frontendHttp } : {}) } },
    ]),
  );
  const tls = tlsDir
    ? {
        tls: {
          frontend: {
            server: {
              certFile: path.join(tlsDir, TLS_FILES.serverCert),
              keyFile: path.join(tlsDir, TLS_FILES.serverKey),
              requireClientAuth: true,
              clientCaFiles: [path.join(tlsDir, TLS_FILES.ca)],
            },
            client: { serverName: 'localhost', rootCaFiles: [path.join(tlsDir, TLS_FILES.ca)] },
          },
          systemWorker: {
            certFile: path.join(tlsDir, TLS_FILES.internalCert),
            keyFile: path.join(tlsDir, TLS_FILES.internalKey),
            client: { serverName: 'localhost', rootCaFiles: [path.join(tlsDir, TLS_FILES.ca)] },
          },
        },
      }
    : {};
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: 4,
      datastores: { 'postgres-default': store('temporal', 10), 'postgres-visibility': store('temporal_visibility', 4) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      pprof: { port: 0 },
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${ports.metrics[svc]}` } },
      ...tls,
    },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `localhost:${ports.grpc.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    // The same file docker-compose.yml mounts: one partition per queue, so the App ID's QPS budget is exact.
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

function writeConfigs(ports: StackPorts, tlsDir?: string): void {
  for (const svc of SERVICES) {
    const dir = path.join(stackDir, 'config', svc);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'development.yaml'), stringify(serviceConfig(svc, ports, tlsDir)), { mode: 0o600 });
  }
}

/** The temporal.toml the stack writes: profile "stack" for the CLI, workers and tools. */
function writeProfile(state: Pick<StackState, 'ports' | 'namespace' | 'tlsDir'>): void {
  const lines = [`[profile.${STACK_PROFILE}]`, `address = "127.0.0.1:${state.ports.grpc.frontend}"`, `namespace = "${state.namespace}"`];
  if (state.tlsDir) {
    lines.push(
      '',
      `[profile.${STACK_PROFILE}.tls]`,
      `server_ca_cert_path = "${path.join(state.tlsDir, TLS_FILES.ca)}"`,
      `client_cert_path = "${path.join(state.tlsDir, TLS_FILES.clientCert)}"`,
      `client_key_path = "${path.join(state.tlsDir, TLS_FILES.clientKey)}"`,
      `server_name = "localhost"`,
    );
  }
  fs.writeFileSync(stackProfileFile, `${lines.join('\n')}\n`);
}

/** Environment that points any Temporal tool of this repository at the stack through its profile. */
export function stackProfileEnv(): Record<string, string> {
  return { TEMPORAL_CONFIG_FILE: stackProfileFile, TEMPORAL_PROFILE: STACK_PROFILE };
}

/** Connection options for the stack's frontend (admin steps, tests). */
export function stackConnectionOptions(state: Pick<StackState, 'ports' | 'tlsDir'>): ConnectionOptions {
  const address = `127.0.0.1:${state.ports.grpc.frontend}`;
  if (!state.tlsDir) return { address };
  const read = (f: string) => fs.readFileSync(path.join(state.tlsDir!, f));
  return {
    address,
    tls: { serverNameOverride: 'localhost', serverRootCACertificate: read(TLS_FILES.ca), clientCertPair: { crt: read(TLS_FILES.clientCert), key: read(TLS_FILES.clientKey) } },
  };
}

// ---------------------------------------------------------------- services

export function startService(svc: Service, tools: ServerTools): ProcRecord {
  return spawnDetached(
    `temporal-${svc}`,
    tools.server,
    ['--root', stackDir, '--config', `config/${svc}`, '--env', 'development', '--allow-no-auth', 'start', '--service', svc],
    `--service ${svc}`,
  );
}

/** Starts one service and waits for its gRPC port; a first start can lose the cluster-metadata race once, so it retries. */
export async function startServiceAndWait(svc: Service, tools: ServerTools, ports: StackPorts, log: Log): Promise<ProcRecord> {
  for (let attempt = 1; ; attempt++) {
    const p = startService(svc, tools);
    try {
      // The internal worker service serves no gRPC: it is up once it has joined the membership ring.
      await waitPort(p, svc === 'worker' ? ports.membership.worker : ports.grpc[svc], 60_000);
      return p;
    } catch (err) {
      await killProc(p, 'SIGKILL');
      if (attempt >= 3) throw err;
      log(`  ${svc} did not come up (${(err as Error).message.split('\n')[0]}); retrying`);
      await sleep(1_000);
    }
  }
}

async function connectAdmin(state: Pick<StackState, 'ports' | 'tlsDir'>, timeoutMs = 60_000): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await Connection.connect({ ...stackConnectionOptions(state), connectTimeout: 2_000 });
    } catch (err) {
      last = err;
      await sleep(500);
    }
  }
  throw new Error(`the frontend at 127.0.0.1:${state.ports.grpc.frontend} did not answer: ${String(last)}`);
}

/** Registers the namespace and the recording search attributes, then waits until a query on them works. */
async function registerNamespace(state: Pick<StackState, 'ports' | 'tlsDir' | 'namespace'>, log: Log): Promise<void> {
  const conn = await connectAdmin(state);
  try {
    const ns = state.namespace;
    try {
      await conn.workflowService.registerNamespace({ namespace: ns, workflowExecutionRetentionPeriod: msToTs(3 * 24 * 3600 * 1000) });
      log(`  namespace ${ns} created`);
    } catch (err) {
      if (!/already exists/i.test(String(err))) throw err;
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const have = await conn.operatorService.listSearchAttributes({ namespace: ns });
        const missing = recordingSearchAttributes.filter((sa) => !(sa.name in (have.customAttributes ?? {})));
        if (missing.length) {
          await conn.operatorService.addSearchAttributes({
            namespace: ns,
            searchAttributes: Object.fromEntries(missing.map((sa) => [sa.name, searchAttributeTypeNames[sa.type].indexed])) as Record<string, number>,
          });
          log(`  search attributes registered: ${missing.map((sa) => `${sa.name}=${sa.type}`).join(', ')}`);
        }
        await conn.workflowService.listWorkflowExecutions({ namespace: ns, query: `RecordingPhase = "probe" AND RecordingRestarts > 0`, pageSize: 1 });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`namespace ${ns} / search attributes not ready: ${String(err)}`);
        await sleep(1_000);
      }
    }
  } finally {
    await conn.close();
  }
}

// ---------------------------------------------------------------- state

export function readState(): StackState | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

export function writeState(s: StackState): void {
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(stateFile, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
}

export function replaceProc(s: StackState, p: ProcRecord): void {
  s.procs = [...s.procs.filter((x) => x.name !== p.name), p];
  writeState(s);
}

// ---------------------------------------------------------------- start / stop / status

export interface StartOptions {
  workers: number;
  agora: 'emulator' | 'config';
  workerConfig: string;
  tlsDir?: string;
  ui: boolean;
  namespace: string;
  portBase: number;
}

const EMULATOR_APP_ID = '0123456789abcdef0123456789abcdef';

export async function startStack(o: StartOptions, log: Log): Promise<StackState> {
  const existing = readState();
  if (existing && existing.procs.some(alive)) throw new Error(`the stack is already running (pids ${existing.procs.filter(alive).map((p) => p.pid).join(', ')}): npm run stack -- stop first`);
  const t0 = Date.now();
  const { tools, built } = ensureServerTools(log);
  const toolsMs = Date.now() - t0;
  const pgBin = ensurePostgres(log);
  const ui = o.ui ? ensureUiServer(log) : { unavailable: 'not requested (--no-ui)' };
  const t1 = Date.now();
  const ports = defaultPorts(o.portBase);
  const tlsDir = o.tlsDir ? path.resolve(o.tlsDir) : undefined;
  if (tlsDir) for (const f of Object.values(TLS_FILES)) if (!fs.existsSync(path.join(tlsDir, f))) throw new Error(`--tls-dir: ${path.join(tlsDir, f)} is missing (expected ${Object.values(TLS_FILES).join(', ')})`);
  for (const [what, port] of [['PostgreSQL', ports.postgres], ...SERVICES.map((s) => [s, ports.grpc[s]] as const)] as const) {
    if (await portOpen(port as number)) throw new Error(`port ${port} (${what}) is taken: stop what uses it, or pick --port-base`);
  }
  const state: StackState = {
    versions,
    startedAt: new Date().toISOString(),
    ports,
    namespace: o.namespace,
    taskQueue: 'recordings',
    tlsDir,
    procs: [],
    appIds: [],
    timings: { toolsMs, startMs: 0, builtTools: built },
    ui: ui.unavailable ? { unavailable: ui.unavailable } : undefined,
  };
  writeState(state);
  try {
    const fresh = pgInit(pgBin);
    pgStart(pgBin, ports.postgres);
    log(`PostgreSQL ${versions.postgres} on 127.0.0.1:${ports.postgres} (pid ${pgPid()}, data ${path.relative(repoRoot, pgData)})`);
    migrate(tools, ports.postgres, fresh, log);
    writeConfigs(ports, tlsDir);
    // One after another: started at the same instant, history and frontend race on the cluster metadata.
    for (const svc of SERVICES) {
      const p = await startServiceAndWait(svc, tools, ports, log);
      replaceProc(state, p);
      log(`  ${svc} service: pid ${p.pid}, gRPC ${ports.grpc[svc]}, metrics http://127.0.0.1:${ports.metrics[svc]}/metrics`);
    }
    await registerNamespace(state, log);
    writeProfile(state);

    if (ui.bin) {
      const uiDir = path.join(stackDir, 'ui', 'config');
      fs.mkdirSync(uiDir, { recursive: true });
      fs.writeFileSync(
        path.join(uiDir, 'development.yaml'),
        stringify({
          temporalGrpcAddress: `127.0.0.1:${ports.grpc.frontend}`,
          host: '127.0.0.1',
          port: ports.ui,
          enableUi: true,
          defaultNamespace: o.namespace,
          cors: { allowOrigins: [`http://localhost:${ports.ui}`] },
          ...(tlsDir
            ? { tls: { caFile: path.join(tlsDir, TLS_FILES.ca), certFile: path.join(tlsDir, TLS_FILES.clientCert), keyFile: path.join(tlsDir, TLS_FILES.clientKey), serverName: 'localhost' } }
            : {}),
        }),
      );
      const p = spawnDetached('temporal-ui', ui.bin, ['--root', path.join(stackDir, 'ui'), '--config', 'config', '--env', 'development', 'start'], 'temporal-ui-server');
      try {
        await waitPort(p, ports.ui, 30_000);
        replaceProc(state, p);
        state.ui = { url: `http://localhost:${ports.ui}` };
        log(`  Web UI: http://localhost:${ports.ui}`);
      } catch (err) {
        await killProc(p, 'SIGKILL');
        state.ui = { unavailable: `the UI server did not start: ${(err as Error).message.split('\n')[0]}` };
      }
      writeState(state);
    }

    if (o.workers > 0) await startRecordingWorkers(state, o, log);
    state.timings.startMs = Date.now() - t1;
    writeState(state);
    return state;
  } catch (err) {
    log(`start failed: ${(err as Error).message}; stopping what was started`);
    await stopStack(() => undefined);
    throw err;
  }
}

async function startRecordingWorkers(state: StackState, o: StartOptions, log: Log): Promise<void> {
  let base: Record<string, any>;
  try {
    base = JSON.parse(fs.readFileSync(o.workerConfig, 'utf8'));
  } catch (err) {
    throw new Error(`--worker-config: cannot read ${o.workerConfig}: ${(err as Error).message}`);
  }
  // Connection settings come from the stack's profile (TEMPORAL_CONFIG_FILE/TEMPORAL_PROFILE), as a deployment's would.
  const { address: _a, namespace: _n, ...temporal } = base.temporal ?? {};
  const config: Record<string, any> = { ...base, temporal, metricsPort: undefined };
  if (o.agora === 'emulator') {
    const customerSecret = crypto.randomBytes(18).toString('base64url');
    const emu = spawnDetached(
      'emulator',
      process.execPath,
      ['--import', 'tsx', 'src/emulator/main.ts', '--port', String(state.ports.emulator), '--alt-port', String(state.ports.emulator + 1), '--customer-id', 'stack-customer', '--customer-secret', customerSecret, '--start-delay-ms', '3000'],
      'src/emulator/main.ts',
    );
    await waitPort(emu, state.ports.emulator + 1, 30_000);
    replaceProc(state, emu);
    state.emulator = { baseUrl: `http://127.0.0.1:${state.ports.emulator}`, altBaseUrl: `http://127.0.0.1:${state.ports.emulator + 1}`, customerId: 'stack-customer', customerSecret };
    config.agora = {
      ...(base.agora ?? {}),
      baseUrls: [state.emulator.baseUrl, state.emulator.altBaseUrl],
      customerId: 'stack-customer',
      customerSecret,
      apps: { [EMULATOR_APP_ID]: {} },
      storageProfiles: { default: { vendor: 1, region: 0, bucket: 'stack-bucket', accessKey: 'emulator-access-key', secretKey: crypto.randomBytes(12).toString('hex') } },
    };
    log(`  Agora emulator: ${state.emulator.baseUrl} (alternate ${state.emulator.altBaseUrl}), pid ${emu.pid}`);
  }
  config.agora = { ...config.agora, workersPerAppId: o.workers };
  state.appIds = Object.keys(config.agora?.apps ?? {});
  state.taskQueue = config.temporal?.taskQueue ?? 'recordings';
  writeState(state);
  const { bundleWorkflows } = await import('./worker-process');
  const bundle = await bundleWorkflows(path.join(stackDir, 'workflow-bundle.js'));
  for (let i = 1; i <= o.workers; i++) {
    const p = await startStackWorker(state, i, { ...config, metricsPort: state.ports.workerMetrics + i - 1 }, bundle);
    log(`  recording worker ${i}: pid ${p.pid}, metrics http://127.0.0.1:${state.ports.workerMetrics + i - 1}/metrics`);
  }
}

/** One detached recording worker (src/worker.ts) connected through the stack's profile. */
export async function startStackWorker(state: StackState, i: number, config: unknown, bundlePath: string): Promise<ProcRecord> {
  const name = `recording-worker-${i}`;
  const dir = path.join(stackDir, 'workers');
  fs.mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, `${name}.json`);
  const w = await startWorkerProcess({
    name,
    config,
    configFile,
    bundlePath,
    detached: true,
    logFile: path.join(logsDir, `${name}.log`),
    env: stackProfileEnv(),
    readyTimeoutMs: 90_000,
  });
  const p: ProcRecord = { name, pid: w.pid, match: 'src/worker.ts', log: w.logFile };
  replaceProc(state, p);
  return p;
}

export async function stopStack(log: Log): Promise<string[]> {
  const state = readState();
  const stopped: string[] = [];
  const order = (p: ProcRecord) =>
    p.name.startsWith('recording-worker') ? 0 : p.name === 'emulator' ? 1 : p.name === 'temporal-ui' ? 2 : p.name === 'temporal-worker' ? 3 : p.name === 'temporal-frontend' ? 4 : p.name === 'temporal-matching' ? 5 : 6;
  if (state) {
    const procs = [...state.procs].sort((a, b) => order(a) - order(b));
    for (const group of [0, 1, 2, 3, 4, 5, 6]) {
      await Promise.all(
        procs
          .filter((p) => order(p) === group && alive(p))
          .map(async (p) => {
            await killProc(p, 'SIGTERM');
            stopped.push(`${p.name} (pid ${p.pid})`);
            log(`  stopped ${p.name} (pid ${p.pid})`);
          }),
      );
    }
    fs.rmSync(path.join(stackDir, 'workers'), { recursive: true, force: true });
  }
  const pid = pgPid();
  if (pid) {
    const bin = `/usr/lib/postgresql/${versions.postgres}/bin`;
    pgStop(bin, 'fast');
    stopped.push(`postgres (pid ${pid})`);
    log(`  stopped PostgreSQL (pid ${pid})`);
  }
  if (state) writeState({ ...state, procs: [] });
  return stopped;
}

export interface ProcStatus {
  name: string;
  pid?: number;
  up: boolean;
  health: string;
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export async function stackStatus(): Promise<{ state?: StackState; procs: ProcStatus[] }> {
  const state = readState();
  if (!state) return { procs: [] };
  const out: ProcStatus[] = [];
  const pid = pgPid();
  const pgUp = !!pid && alive({ pid, match: 'postgres' });
  let pgHealth = 'down';
  if (pgUp) {
    const r = spawnSync(`/usr/lib/postgresql/${versions.postgres}/bin/pg_isready`, ['-h', '127.0.0.1', '-p', String(state.ports.postgres)], { encoding: 'utf8' });
    pgHealth = r.status === 0 ? `accepting connections on ${state.ports.postgres}` : `not ready: ${r.stdout.trim()}`;
  }
  out.push({ name: 'postgres', pid, up: pgUp, health: pgHealth });
  for (const p of state.procs) {
    const up = alive(p);
    let health = up ? 'running' : 'not running';
    const svc = SERVICES.find((s) => p.name === `temporal-${s}`);
    if (up && svc) {
      const port = svc === 'worker' ? state.ports.membership.worker : state.ports.grpc[svc];
      const grpc = await portOpen(port);
      const metrics = await httpOk(`http://127.0.0.1:${state.ports.metrics[svc]}/metrics`);
      health = `${svc === 'worker' ? 'membership' : 'gRPC'} ${port} ${grpc ? 'open' : 'CLOSED'}, metrics ${metrics ? 'ok' : 'NOT ANSWERING'}`;
      if (svc === 'frontend' && grpc) {
        try {
          const conn = await Connection.connect({ ...stackConnectionOptions(state), connectTimeout: 2_000 });
          try {
            const h = await conn.healthService.check({});
            health += `, health ${h.status === 1 ? 'SERVING' : String(h.status)}`;
            await conn.workflowService.describeNamespace({ namespace: state.namespace });
            health += `, namespace ${state.namespace} ok`;
          } finally {
            await conn.close();
          }
        } catch (err) {
          health += `, ${String(err).split('\n')[0]}`;
        }
      }
    } else if (up && p.name.startsWith('recording-worker')) {
      const i = Number(p.name.split('-').pop());
      health = `metrics ${(await httpOk(`http://127.0.0.1:${state.ports.workerMetrics + i - 1}/metrics`)) ? 'ok' : 'NOT ANSWERING'}`;
    } else if (up && p.name === 'emulator') {
      health = (await httpOk(`${state.emulator?.altBaseUrl}/__emulator/tasks`)) ? `answering at ${state.emulator?.baseUrl}` : 'NOT ANSWERING';
    } else if (up && p.name === 'temporal-ui') {
      health = (await httpOk(`http://127.0.0.1:${state.ports.ui}/`)) ? `answering at http://localhost:${state.ports.ui}` : 'NOT ANSWERING';
    }
    out.push({ name: p.name, pid: p.pid, up, health });
  }
  return { state, procs: out };
}

// ---------------------------------------------------------------- faults (chaos)

/** Handles on a running stack for fault injection; every restart updates state.json. */
export class StackControl {
  private constructor(
    public state: StackState,
    readonly tools: ServerTools,
    readonly pgBin: string,
  ) {}

  static load(): StackControl {
    const state = readState();
    if (!state || !state.procs.some((p) => p.name === 'temporal-frontend' && alive(p))) {
      throw new Error('the stack is not running: npm run stack -- start');
    }
    return new StackControl(state, ensureServerTools(() => undefined).tools, ensurePostgres(() => undefined));
  }

  get address(): string {
    return `127.0.0.1:${this.state.ports.grpc.frontend}`;
  }

  proc(svc: Service): ProcRecord {
    const p = this.state.procs.find((x) => x.name === `temporal-${svc}`);
    if (!p) throw new Error(`no ${svc} service in the stack state`);
    return p;
  }

  async killService(svc: Service, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await killProc(this.proc(svc), signal, 15_000);
  }

  async startService(svc: Service): Promise<void> {
    const p = await startServiceAndWait(svc, this.tools, this.state.ports, () => undefined);
    replaceProc(this.state, p);
  }

  stopPostgres(mode: 'fast' | 'immediate' = 'immediate'): void {
    pgStop(this.pgBin, mode);
  }

  startPostgres(): void {
    pgStart(this.pgBin, this.state.ports.postgres);
  }

  /** Starts again whatever a fault left stopped (an interrupted chaos run must not leave the stack broken). */
  async restore(): Promise<string[]> {
    const restored: string[] = [];
    if (!pgPid()) {
      this.startPostgres();
      restored.push('postgres');
    }
    for (const svc of SERVICES) {
      if (!alive(this.proc(svc))) {
        await this.startService(svc);
        restored.push(svc);
      }
    }
    return restored;
  }

  /** pids of the server's processes and PostgreSQL's postmaster, for CPU/RSS sampling. */
  serverPids(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const svc of SERVICES) out[svc] = this.proc(svc).pid;
    const pg = pgPid();
    if (pg) out.postgres = pg;
    return out;
  }
}
