/**
 * A Temporal dev server with the project's search attributes, for running the worker by hand:
 *   npm run dev-server [-- --port 7233 --ui-port 8233 --db .data/temporal-dev.db]
 */
import { parseFlags, usageError } from '../src/command-line';
import { startDevServer } from './lib/dev-server';

const program = 'npm run dev-server --';
const { values } = parseFlags(
  { program, about: "A Temporal dev server (the Temporal CLI's) with the recording search attributes registered, until Ctrl-C." },
  {
    port: { type: 'string', default: '7233', description: 'frontend gRPC port' },
    'ui-port': { type: 'string', default: '8233', description: 'Web UI port' },
    db: { type: 'string', description: 'SQLite file to keep workflows across restarts (default: in memory)' },
  },
);
for (const flag of ['port', 'ui-port'] as const) {
  if (!/^\d{1,5}$/.test(values[flag]) || Number(values[flag]) > 65_535) usageError(program, `--${flag}: must be a port number, got '${values[flag]}'`);
}

startDevServer({ port: Number(values.port), uiPort: Number(values['ui-port']), dbFile: values.db }).then(
  (server) => {
    console.log(`Temporal dev server at ${server.address}; Web UI ${server.uiUrl}; db ${server.dbFile}. Ctrl-C stops it.`);
    const stop = () => server.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
