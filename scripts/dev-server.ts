/**
 * A Temporal dev server with the project's search attributes, for running the worker by hand:
 *   npm run dev-server [-- --port 7233 --ui-port 8233 --db .data/temporal-dev.db]
 */
import { parseArgs } from 'node:util';
import { startDevServer } from './lib/dev-server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '7233' },
    'ui-port': { type: 'string', default: '8233' },
    db: { type: 'string' },
  },
});

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
