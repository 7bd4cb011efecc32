/**
 * Rig for the Web UI browser test: its own Temporal dev server WITH the Web UI (jest's shared
 * server is headless), the Agora emulator, real recording workers on that server, the typed
 * client, and Debian's chromium driven by playwright-core (no Playwright browser download).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { repoRoot } from '../../scripts/lib/temporal-cli';
import { RecordingClient } from '../../src/client';
import type { RunningEmulator } from '../../src/emulator/server';
import { APP_ID, RecordingEnv } from '../support/recording-env';
import { waitFor } from '../support/wait';

export { APP_ID };

/** Screenshots land here on every run (git-ignored); with UPDATE_SCREENSHOTS=1 also in docs/images. */
export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'browser');
export const docsImagesDir = path.join(repoRoot, 'docs', 'images');

/** The flags the issue asks for: headless in a container without a GPU, a sandbox or network chatter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * $CHROMIUM_PATH when set (and then only it, like scripts/ensure-chromium.sh), else `chromium` on
 * PATH, else /usr/bin/chromium. A missing browser is a test failure with the fix in the message,
 * never a skip.
 */
export function chromiumPath(): string {
  const fix =
    'The Web UI browser test needs Chromium: run `bash scripts/ensure-chromium.sh` (installs Debian\'s chromium as root), ' +
    'or `apt-get install chromium`, or set CHROMIUM_PATH to a Chromium executable.';
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : [whichChromium(), '/usr/bin/chromium'].filter((p): p is string => !!p);
  for (const p of candidates) {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // try the next one
    }
  }
  throw new Error(`Chromium not found (looked at ${candidates.join(', ')}). ${fix}`);
}

function whichChromium(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Writes a full-page-or-viewport screenshot to the artifacts dir, and to docs/images with UPDATE_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false, animations: 'disabled' });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(docsImagesDir, { recursive: true });
    fs.copyFileSync(file, path.join(docsImagesDir, `${name}.png`));
  }
  return file;
}

/** A dev server with the Web UI, plus the usual rig (emulator, real workers, client) on it. */
export class WebUiRig {
  server!: DevServer;
  /** http://127.0.0.1:<uiPort>: the dev server binds 127.0.0.1, and `localhost` may resolve to ::1 first. */
  uiUrl!: string;
  env?: RecordingEnv;

  get client(): RecordingClient {
    return this.env!.client;
  }

  get emulator(): RunningEmulator {
    return this.env!.emulator;
  }

  static async start(): Promise<WebUiRig> {
    const rig = new WebUiRig();
    try {
      rig.server = await startDevServer({ port: 0, uiPort: 0, dbFile: null });
      rig.uiUrl = `http://127.0.0.1:${rig.server.uiPort}`;
      rig.env = await RecordingEnv.start({ temporal: { address: rig.server.address, namespace: rig.server.namespace } });
      // The UI server starts next to the frontend; wait until it serves its app.
      await waitFor(async () => (await fetch(rig.uiUrl)).ok, { timeoutMs: 30_000, intervalMs: 250, what: `the Web UI at ${rig.uiUrl}` });
    } catch (err) {
      await rig.stop();
      throw err;
    }
    return rig;
  }

  async stop(): Promise<void> {
    await this.env?.stop().catch(() => undefined);
    await this.server?.stop();
  }
}
