import { startDevServer } from '../../scripts/lib/dev-server';

/**
 * One real Temporal dev server for the whole jest run (in memory, headless, free ports).
 * Test files reach it through RO_TEST_TEMPORAL_ADDRESS; a suite that needs something else
 * (a db file, a restart) starts its own with startDevServer.
 */
export default async function globalSetup(): Promise<void> {
  const server = await startDevServer({ port: 0, uiPort: null, dbFile: null });
  process.env.RO_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.RO_TEST_TEMPORAL_NAMESPACE = server.namespace;
  (globalThis as { __roDevServer?: typeof server }).__roDevServer = server;
}
