/**
 * Everything a benchmark starts registers its teardown here; it runs on success, on error and on
 * Ctrl-C / SIGTERM, newest first, so nothing outlives the run.
 */
const stack: { name: string; fn: () => Promise<void> }[] = [];
let running: Promise<void> | undefined;

export function onCleanup(name: string, fn: () => Promise<void>): void {
  stack.push({ name, fn });
}

export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (stack.length) {
      const { name, fn } = stack.pop()!;
      try {
        await fn();
      } catch (err) {
        process.stderr.write(`cleanup of ${name} failed: ${(err as Error).message}\n`);
      }
    }
  })();
  return running;
}

export function installSignalHandlers(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\n${sig}: stopping everything this benchmark started…\n`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}
