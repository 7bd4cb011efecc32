/**
 * npm run bench -- <name> [flags]   (see docs/benchmarks.md)
 *
 * Each benchmark starts its own dev server, emulator and worker, prints a table, writes
 * bench/results/<name>-<time>.json and, with --json, ends stdout with one JSON line.
 */
import { cleanupAll, installSignalHandlers } from './lib/cleanup';

const BENCHES: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  'start-overhead': () => import('./start-overhead'),
  'recovery-gap': () => import('./recovery-gap'),
  scale: () => import('./scale'),
  'history-cost': () => import('./history-cost'),
  'long-session': () => import('./long-session'),
  'start-burst': () => import('./start-burst'),
  'cache-cost': () => import('./cache-cost'),
  'replay-cost': () => import('./replay-cost'),
};

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const usage = `usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--json] [flags]\n  npm run bench -- <name> --help: that benchmark's flags (docs/benchmarks.md)\n`;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage);
    process.exit(name ? 0 : 2);
  }
  if (!BENCHES[name]) {
    process.stderr.write(`bench: unknown benchmark '${name}' (known: ${Object.keys(BENCHES).join(', ')}; see npm run bench -- --help)\n`);
    process.exit(2);
  }
  installSignalHandlers();
  const bench = await BENCHES[name]();
  try {
    await bench.run(rest);
  } finally {
    await cleanupAll();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
