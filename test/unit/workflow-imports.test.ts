/**
 * What the workflow sandbox evaluates for every cached recording: the modules src/workflows
 * imports at load, followed through relative imports (type-only imports are erased). zod is not
 * among them: each cached recording would build its own copy of every schema (about 2 MiB;
 * docs/benchmarks.md, "cache-cost"). The schemas load on first use only (an update's validator,
 * an old history's input check).
 */
import fs from 'node:fs';
import path from 'node:path';

const src = path.join(__dirname, '..', '..', 'src');

function loadTimeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) out.push(m[1]);
  return out;
}

function resolve(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
}

function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    const imports = loadTimeImports(file);
    seen.set(file, imports);
    for (const spec of imports) if (spec.startsWith('.')) queue.push(resolve(file, spec)!);
  }
  return seen;
}

describe('the workflow bundle at load', () => {
  const modules = graph(path.join(src, 'workflows', 'index.ts'));

  it('follows the workflow entry through its own modules', () => {
    expect(modules.size).toBeGreaterThan(15);
    expect([...modules.keys()].map((f) => path.relative(src, f))).toEqual(expect.arrayContaining(['workflows/recording.ts', 'workflows/lane.ts', 'providers/specs.ts', 'contract/timings.ts']));
  });

  it('never imports zod (nor a module that does)', () => {
    const withZod = [...modules].filter(([, imports]) => imports.some((s) => s === 'zod' || s.startsWith('zod/'))).map(([f]) => path.relative(src, f));
    expect(withZod).toEqual([]);
  });

  it('reads only Temporal’s own packages', () => {
    const packages = new Set([...modules.values()].flat().filter((s) => !s.startsWith('.')));
    expect([...packages].sort()).toEqual(['@temporalio/common', '@temporalio/workflow']);
  });
});
