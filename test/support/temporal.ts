import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, Worker, WorkerOptions } from '@temporalio/worker';

let runtimeInstalled = false;

/** Keeps the SDK's own logs to warnings so test output stays readable. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by an earlier suite in this process.
  }
}

export function testAddress(): { address: string; namespace: string } {
  const address = process.env.RO_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('RO_TEST_TEMPORAL_ADDRESS is not set: run the tests through jest (globalSetup starts the dev server)');
  return { address, namespace: process.env.RO_TEST_TEMPORAL_NAMESPACE ?? 'default' };
}

/** Another server than jest's shared one (e.g. the browser test's, which runs the Web UI). */
export type TemporalTarget = { address: string; namespace: string };

export async function connectClient(target: TemporalTarget = testAddress()): Promise<{ connection: Connection; client: Client }> {
  const { address, namespace } = target;
  const connection = await Connection.connect({ address });
  return { connection, client: new Client({ connection, namespace }) };
}

export async function connectWorker(target: TemporalTarget = testAddress()): Promise<NativeConnection> {
  quietRuntime();
  return NativeConnection.connect({ address: target.address });
}

/** Bundles workflow code once per suite; webpack is the slow part of a worker start. */
export async function bundle(workflowsPath: string): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath: path.resolve(workflowsPath), logger: quietBundlerLogger });
}

const quietBundlerLogger = new DefaultLogger('WARN');

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export type WorkerFactoryOptions = Omit<WorkerOptions, 'connection'>;

/** Runs `fn` while a worker polls; the worker is shut down (and awaited) whatever happens. */
export async function withWorker<T>(connection: NativeConnection, opts: WorkerFactoryOptions, fn: (w: Worker) => Promise<T>): Promise<T> {
  const worker = await Worker.create({ connection, namespace: testAddress().namespace, ...opts });
  return worker.runUntil(() => fn(worker));
}
