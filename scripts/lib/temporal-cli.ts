import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** Path of a working Temporal CLI, building it on first use (see scripts/ensure-temporal-cli.sh). */
export function ensureTemporalCli(): string {
  const out = execFileSync('bash', [path.join(repoRoot, 'scripts', 'ensure-temporal-cli.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const cli = out.trim().split('\n').pop();
  if (!cli) throw new Error('scripts/ensure-temporal-cli.sh printed no path');
  return cli;
}
