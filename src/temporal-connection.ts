/**
 * How the worker, the client and the CLI find Temporal: the same way as every Temporal tool, with
 * @temporalio/envconfig — a profile from temporal.toml (TEMPORAL_CONFIG_FILE, or the user's
 * ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE, default "default") overridden by
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS and TEMPORAL_TLS_*.
 * So mTLS, server-side TLS and Temporal Cloud (API key or mTLS) need configuration, not code.
 *
 * Address and namespace, highest first:
 *   1. explicit values (a CLI flag, RecordingClient.connect's argument);
 *   2. TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE;
 *   3. fallback values (the worker config file's temporal.address / temporal.namespace, if written);
 *   4. the profile;
 *   5. localhost:7233 and "default".
 * TLS and the API key come from the profile and the environment only.
 *
 * Errors name the setting to fix (the variable, or the profile key and its file), never a secret.
 */
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';

export type Env = Record<string, string | undefined>;

export interface ConnectionRequest {
  /** Flags or arguments given by the caller: they beat everything. */
  explicit?: { address?: string; namespace?: string };
  /** The worker config file's own values: they beat the profile, lose to TEMPORAL_* variables. */
  fallback?: { address?: string; namespace?: string };
  /** Profile name; default TEMPORAL_PROFILE, then "default". */
  profile?: string;
  /** temporal.toml path; default TEMPORAL_CONFIG_FILE, then the user's config directory. */
  configFile?: string;
  env?: Env;
}

export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  /** Options for Connection.connect and NativeConnection.connect (may hold the API key and TLS material). */
  connectionOptions: ConnectionOptions;
  /** Where each setting came from, for messages: variable names or profile keys, never values of secrets. */
  sources: {
    address: string;
    namespace: string;
    profile?: string;
    tls?: string;
    clientCert?: string;
    clientKey?: string;
    serverCa?: string;
    apiKey?: string;
  };
  /** One line for logs: address, namespace, TLS mode, API key yes/no. */
  describe(): string;
}

/** A connection setting is wrong or the server refused it; the message names the setting. */
export class TemporalConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporalConnectionError';
  }
}

const DEFAULT_ADDRESS = 'localhost:7233';
const DEFAULT_NAMESPACE = 'default';

function definedEnv(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

/** Resolves the settings without connecting. Throws TemporalConnectionError naming a bad setting. */
export function resolveConnection(req: ConnectionRequest = {}): TemporalConnectionSettings {
  const env = definedEnv(req.env ?? process.env);
  if (req.configFile) env.TEMPORAL_CONFIG_FILE = req.configFile;
  const profileName = req.profile ?? env.TEMPORAL_PROFILE;
  const fileSetting = req.configFile ? '--config-file' : 'TEMPORAL_CONFIG_FILE';
  if (env.TEMPORAL_CONFIG_FILE && !fs.existsSync(env.TEMPORAL_CONFIG_FILE)) {
    throw new TemporalConnectionError(`${fileSetting}: ${env.TEMPORAL_CONFIG_FILE} does not exist`);
  }
  const where = `profile '${profileName ?? 'default'}'${env.TEMPORAL_CONFIG_FILE ? ` in ${env.TEMPORAL_CONFIG_FILE}` : ''}`;

  let fileProfile: ClientConfigProfile;
  let merged: ClientConfigProfile;
  try {
    fileProfile = loadClientConfigProfile({ profile: profileName, overrideEnvVars: env, disableEnv: true });
    merged = loadClientConfigProfile({ profile: profileName, overrideEnvVars: env });
  } catch (err) {
    const msg = (err as Error).message;
    const setting = req.profile ? '--profile' : profileName ? 'TEMPORAL_PROFILE' : fileSetting;
    throw new TemporalConnectionError(`${setting}: ${msg.replace('config data', env.TEMPORAL_CONFIG_FILE ?? 'the Temporal config file')}`, { cause: err });
  }

  const src = (envName: string, present: unknown, key: string): string | undefined =>
    env[envName] !== undefined ? envName : present !== undefined ? `${key} of ${where}` : undefined;

  const address =
    req.explicit?.address ?? env.TEMPORAL_ADDRESS ?? req.fallback?.address ?? merged.address ?? DEFAULT_ADDRESS;
  const namespace =
    req.explicit?.namespace ?? env.TEMPORAL_NAMESPACE ?? req.fallback?.namespace ?? merged.namespace ?? DEFAULT_NAMESPACE;
  const sources: TemporalConnectionSettings['sources'] = {
    address: req.explicit?.address
      ? 'the address given by the caller'
      : env.TEMPORAL_ADDRESS
        ? 'TEMPORAL_ADDRESS'
        : req.fallback?.address
          ? 'temporal.address of the worker config'
          : fileProfile.address
            ? `address of ${where}`
            : 'the default',
    namespace: req.explicit?.namespace
      ? 'the namespace given by the caller'
      : env.TEMPORAL_NAMESPACE
        ? 'TEMPORAL_NAMESPACE'
        : req.fallback?.namespace
          ? 'temporal.namespace of the worker config'
          : fileProfile.namespace
            ? `namespace of ${where}`
            : 'the default',
    profile: fileProfile.address || fileProfile.tls || fileProfile.apiKey || fileProfile.namespace ? where : undefined,
    tls: src('TEMPORAL_TLS', fileProfile.tls, 'tls'),
    clientCert: env.TEMPORAL_TLS_CLIENT_CERT_PATH
      ? `TEMPORAL_TLS_CLIENT_CERT_PATH (${env.TEMPORAL_TLS_CLIENT_CERT_PATH})`
      : env.TEMPORAL_TLS_CLIENT_CERT_DATA
        ? 'TEMPORAL_TLS_CLIENT_CERT_DATA'
        : fileProfile.tls?.clientCert
          ? `tls.client_cert_${'path' in fileProfile.tls.clientCert ? `path (${fileProfile.tls.clientCert.path})` : 'data'} of ${where}`
          : undefined,
    clientKey: env.TEMPORAL_TLS_CLIENT_KEY_PATH
      ? `TEMPORAL_TLS_CLIENT_KEY_PATH (${env.TEMPORAL_TLS_CLIENT_KEY_PATH})`
      : env.TEMPORAL_TLS_CLIENT_KEY_DATA
        ? 'TEMPORAL_TLS_CLIENT_KEY_DATA'
        : fileProfile.tls?.clientKey
          ? `tls.client_key_${'path' in fileProfile.tls.clientKey ? `path (${fileProfile.tls.clientKey.path})` : 'data'} of ${where}`
          : undefined,
    serverCa: env.TEMPORAL_TLS_SERVER_CA_CERT_PATH
      ? `TEMPORAL_TLS_SERVER_CA_CERT_PATH (${env.TEMPORAL_TLS_SERVER_CA_CERT_PATH})`
      : env.TEMPORAL_TLS_SERVER_CA_CERT_DATA
        ? 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'
        : fileProfile.tls?.serverCACert
          ? `tls.server_ca_cert_${'path' in fileProfile.tls.serverCACert ? `path (${fileProfile.tls.serverCACert.path})` : 'data'} of ${where}`
          : undefined,
    apiKey: src('TEMPORAL_API_KEY', fileProfile.apiKey, 'api_key'),
  };

  const certs = merged.tls;
  if (certs && !certs.disabled && !!certs.clientCert !== !!certs.clientKey) {
    throw new TemporalConnectionError(
      certs.clientCert
        ? `${sources.clientCert}: a client certificate needs its key too (TEMPORAL_TLS_CLIENT_KEY_PATH or tls.client_key_path)`
        : `${sources.clientKey}: a client key needs its certificate too (TEMPORAL_TLS_CLIENT_CERT_PATH or tls.client_cert_path)`,
    );
  }
  let options: ConnectionOptions;
  try {
    // envconfig types these as the worker's options; the client's have the same fields. The client package must not load @temporalio/worker.
    options = toClientOptions(merged).connectionOptions as ConnectionOptions;
  } catch (err) {
    // A certificate or key file that cannot be read: name the setting that points at it.
    const e = err as NodeJS.ErrnoException & { path?: string };
    const setting = [sources.clientCert, sources.clientKey, sources.serverCa].find((s) => s && e.path && s.includes(e.path));
    throw new TemporalConnectionError(`${setting ?? 'TLS settings'}: cannot read ${e.path ?? ''}: ${e.code ?? e.message}`, { cause: err });
  }
  const connectionOptions: ConnectionOptions = { ...options, address };
  for (const k of Object.keys(connectionOptions) as Array<keyof ConnectionOptions>) {
    if (connectionOptions[k] === undefined) delete connectionOptions[k];
  }
  const tlsMode = !connectionOptions.tls
    ? 'plaintext'
    : typeof connectionOptions.tls === 'object' && connectionOptions.tls.clientCertPair
      ? 'mTLS'
      : 'TLS';
  return {
    address,
    namespace,
    connectionOptions,
    sources,
    describe: () =>
      `${address} namespace ${namespace} (${tlsMode}${connectionOptions.apiKey ? ', API key' : ''}${sources.profile ? `; ${sources.profile}` : ''})`,
  };
}

/**
 * gRPC reports a refused handshake only as "failed to connect": a plain TLS handshake with the same
 * settings tells why (the server's alert, or what the client disliked). undefined = it went through.
 */
export async function probeTls(s: TemporalConnectionSettings, timeoutMs = 3_000): Promise<string | undefined> {
  const t = s.connectionOptions.tls;
  if (!t) return undefined;
  const cfg = typeof t === 'object' ? t : {};
  const [host, portText] = splitAddress(s.address);
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const socket = tls.connect({
      host,
      port: Number(portText),
      servername: cfg.serverNameOverride ?? (net.isIP(host) ? undefined : host),
      ca: cfg.serverRootCACertificate ? Buffer.from(cfg.serverRootCACertificate) : undefined,
      cert: cfg.clientCertPair ? Buffer.from(cfg.clientCertPair.crt) : undefined,
      key: cfg.clientCertPair ? Buffer.from(cfg.clientCertPair.key) : undefined,
      ALPNProtocols: ['h2'],
    });
    // With TLS 1.3 the server judges the client certificate after the client's handshake is done: wait for its alert.
    socket.once('secureConnect', () => setTimeout(() => done(undefined), 500));
    socket.once('error', (e: NodeJS.ErrnoException) => {
      // Not reachable at all is no TLS matter: leave the gRPC error as it is.
      if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET'].includes(e.code ?? '')) return done(undefined);
      // OpenSSL's "…:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:…" → the reason alone.
      done(/SSL routines:[^:]*:([^:]+):/.exec(e.message)?.[1] ?? e.message.split('\n')[0]);
    });
    socket.once('close', () => done(settled ? undefined : 'the server closed the connection during the TLS handshake'));
    const timer = setTimeout(() => done(undefined), timeoutMs);
  });
}

function splitAddress(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  return i > 0 ? [address.slice(0, i).replace(/^\[|\]$/g, ''), address.slice(i + 1)] : [address, '7233'];
}

/** Turns a failed connect into one line that names the settings to check. */
export async function explainConnectErrorProbed(s: TemporalConnectionSettings, err: unknown): Promise<TemporalConnectionError> {
  const why = await probeTls(s).catch(() => undefined);
  return explainConnectError(s, err, why);
}

export function explainConnectError(s: TemporalConnectionSettings, err: unknown, tlsProbe?: string): TemporalConnectionError {
  const raw = err instanceof Error ? err.message : String(err);
  const first = tlsProbe ? `TLS handshake failed: ${tlsProbe}` : raw.split('\n')[0];
  const lower = `${raw} ${tlsProbe ?? ''}`.toLowerCase();
  const tls = s.connectionOptions.tls;
  let hint = '';
  if (/certificate|handshake|tls|ssl|alert|x509|unknown ca|bad cert/.test(lower)) {
    if (!tls) {
      hint = `; the server seems to want TLS: set TEMPORAL_TLS=true or tls in the profile (address from ${s.sources.address})`;
    } else if (/unknown ca|bad certificate|certificate required|alert/.test(lower) && s.sources.clientCert) {
      hint = `; the server refused the client certificate from ${s.sources.clientCert} (key from ${s.sources.clientKey})`;
    } else if (!s.sources.clientCert && /certificate required|alert number 116/.test(lower)) {
      hint = `; the server requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH, or tls.client_cert_path and tls.client_key_path in the profile`;
    } else {
      hint = `; check the server CA from ${s.sources.serverCa ?? 'the system roots (set TEMPORAL_TLS_SERVER_CA_CERT_PATH or tls.server_ca_cert_path)'} and the server name`;
    }
  } else if (/unauthenticated|permission|api key|401|403/.test(lower)) {
    hint = s.sources.apiKey ? `; the server refused the API key from ${s.sources.apiKey}` : `; the server wants credentials: set TEMPORAL_API_KEY or a client certificate`;
  } else if (/namespace/.test(lower) && /not found/.test(lower)) {
    hint = `; namespace '${s.namespace}' (from ${s.sources.namespace})`;
  } else {
    hint = ` (address from ${s.sources.address})`;
  }
  return new TemporalConnectionError(`cannot connect to Temporal at ${s.address}: ${first}${hint}`, { cause: err });
}

/** A client connection (RecordingClient, the CLI, the worker's visibility client). */
export async function connectClient(s: TemporalConnectionSettings, extra: Partial<ConnectionOptions> = {}): Promise<Connection> {
  try {
    const conn = await Connection.connect({ ...s.connectionOptions, ...extra });
    // connect() only reaches the frontend; a refused client certificate can surface on the first call.
    await conn.workflowService.getSystemInfo({});
    return conn;
  } catch (err) {
    throw await explainConnectErrorProbed(s, err);
  }
}

/**
 * The worker's settings: its config file's temporal.address / temporal.namespace (RECORDING_CONFIG),
 * when written there, are fallbacks under TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE and over the profile.
 */
export function resolveWorkerConnection(env: Env = process.env): TemporalConnectionSettings {
  let fallback: { address?: string; namespace?: string } = {};
  if (env.RECORDING_CONFIG) {
    try {
      const raw = JSON.parse(fs.readFileSync(env.RECORDING_CONFIG, 'utf8')) as { temporal?: { address?: unknown; namespace?: unknown } };
      const t = raw?.temporal ?? {};
      fallback = {
        address: typeof t.address === 'string' && t.address ? t.address : undefined,
        namespace: typeof t.namespace === 'string' && t.namespace ? t.namespace : undefined,
      };
    } catch {
      // loadWorkerConfig reports an unreadable or invalid file, naming it.
    }
  }
  return resolveConnection({ fallback, env });
}
