/**
 * The workflow code bundled once, at build time (`npm run build` runs this file compiled, writing dist/workflow-bundle.js): a worker
 * given WORKFLOW_BUNDLE loads it in about a second instead of bundling src/workflows at every boot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from './worker';

/** The bundler's info lines are noise in a build or a test; its warnings and errors are not. */
const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

export async function writeWorkflowBundle(file: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve(workflowsPath), logger: quietBundlerLogger });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, code);
  return file;
}

if (require.main === module) {
  const file = process.argv[2] ?? path.join(__dirname, 'workflow-bundle.js');
  writeWorkflowBundle(file).then(
    (f) => console.log(`workflow bundle written to ${path.relative(process.cwd(), f)}`),
    (err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
