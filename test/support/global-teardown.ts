import type { DevServer } from '../../scripts/lib/dev-server';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __roDevServer?: DevServer }).__roDevServer?.stop();
}
