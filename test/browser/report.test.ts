/**
 * The coverage report in a real browser: a recording loses its recorder and is stopped, the CLI
 * writes its HTML report and a --list table, and Debian's chromium (playwright-core) shows them
 * with no request leaving the page. Screenshots go to test-artifacts/browser/ (and docs/images/
 * with UPDATE_SCREENSHOTS=1).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { runCli } from '../../src/cli';
import { RecordingEnv } from '../support/recording-env';
import { testAddress } from '../support/temporal';
import { artifactsDir, launchChromium, screenshot } from './support';

describe('coverage report (browser)', () => {
  let browser: Browser | undefined;
  let env: RecordingEnv | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    env = await RecordingEnv.start();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  }, 60_000);

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const { address, namespace } = testAddress();
    const code = await runCli([...args, '--address', address, '--namespace', namespace], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {} });
    return { code, stdout, stderr };
  }

  /** Opens a file:// page and fails on any request that is not the page itself. */
  async function open(file: string, name: string) {
    const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
    const outside: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== `file://${file}`) outside.push(r.url());
    });
    await page.goto(`file://${file}`);
    await screenshot(page, name, { fullPage: true });
    return { page, outside };
  }

  it('renders one recording as a timeline with its gaps and reasons, and many as a table', async () => {
    const req = env!.request({ channel: `class_<b>&x_${Date.now().toString(36)}` });
    await env!.client.startRecording(req);
    const first = await env!.waitForState(req.recordingId, (s) => s.phase === 'recording');
    await new Promise((r) => setTimeout(r, 3_000));
    await env!.control('POST', `/tasks/${first.segments[0].recorderId}/exit`);
    await env!.waitForState(req.recordingId, (s) => s.segments.length === 2 && s.phase === 'recording');
    await new Promise((r) => setTimeout(r, 3_000));
    const summary = (await env!.client.stopRecording(req.recordingId, { reason: 'lesson over' }))!;

    fs.mkdirSync(artifactsDir, { recursive: true });
    const file = path.join(artifactsDir, 'report.html');
    const written = await cli(['report', req.recordingId, '--html', file]);
    expect(written).toMatchObject({ code: 0, stderr: '' });
    expect(written.stdout).toContain(`wrote the report of ${req.recordingId}`);

    const { page, outside } = await open(file, 'report');
    expect(outside).toEqual([]);
    // The channel name is shown as text, never as markup.
    expect(await page.locator('.sub code').nth(1).textContent()).toBe(req.channel);
    expect(await page.locator('.sub b').count()).toBe(0);
    const gaps = summary.coverage!.gaps;
    expect(await page.locator('svg rect.gap').count()).toBe(gaps.length);
    expect(await page.locator('svg rect.segment').count()).toBe(2);
    expect(await page.locator('svg rect.unknown').count()).toBe(1);
    expect(await page.locator('svg polygon.upload').count()).toBe(2);
    const rows = page.locator('table').first().locator('tbody tr');
    expect(await rows.count()).toBe(gaps.length);
    expect(await rows.last().textContent()).toContain(gaps.find((g) => g.kind === 'loss')!.reason);
    expect(await page.locator('.fig').first().textContent()).toContain(`${(summary.coverage!.ratio * 100).toFixed(1)}%`);
    // The SVG's tooltips carry the reasons too.
    expect(await page.locator('svg rect.gap title').last().textContent()).toContain('restart #1 confirmed');
    await page.close();

    const listFile = path.join(artifactsDir, 'report-list.html');
    const listed = await cli(['report', '--list', '--since', '1h', '--query', `RecordingChannel = ${JSON.stringify(req.channel)}`, '--html', listFile]);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const list = await open(listFile, 'report-list');
    expect(list.outside).toEqual([]);
    const cells = await list.page.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells[0]).toBe(req.recordingId);
    expect(cells).toContain(`${(summary.coverage!.ratio * 100).toFixed(1)}%`);
    await list.page.close();

    // The same from the terminal and as JSON.
    const text = await cli(['report', req.recordingId]);
    expect(text.stdout).toMatch(/Coverage: \d+\.\d% of .* covered; 2 gaps/);
    const json = JSON.parse((await cli(['report', req.recordingId, '--json'])).stdout);
    expect(json.coverage).toEqual(summary.coverage);
    expect((await cli(['report', req.recordingId, '--html', 'x.html', '--json'])).code).toBe(2);
    expect((await cli(['report'])).stderr).toContain('missing recording id');
  }, 120_000);
});
