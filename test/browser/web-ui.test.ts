/**
 * Issue 6, browser test: an operator finds a running recording in the Temporal Web UI by its
 * search attributes, opens it, runs the `state` query and sees the current phase. Real parts
 * only: a dev server with the UI, the emulator, real workers, and Debian's chromium through
 * playwright-core. Screenshots go to test-artifacts/browser/ (and docs/images/ with
 * UPDATE_SCREENSHOTS=1); on failure the page is saved there too.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { RecordingRequest } from '../../src/client';
import { fastTimings } from '../support/recording-env';
import { waitFor } from '../support/wait';
import { APP_ID, artifactsDir, launchChromium, screenshot, WebUiRig } from './support';

const UI_TIMEOUT_MS = 30_000;

describe('Temporal Web UI (browser)', () => {
  let browser: Browser | undefined;
  let rig: WebUiRig | undefined;

  beforeAll(async () => {
    // First, so a missing chromium fails at once with the fix in the message (never a skip).
    browser = await launchChromium();
    rig = await WebUiRig.start();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
  }, 60_000);

  it('finds a running recording by RecordingChannel, opens it, shows its phase and the state query answer', async () => {
    const env = rig!;
    const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const request = (recordingId: string, channel: string): RecordingRequest =>
      ({
        recordingId,
        appId: APP_ID,
        channel,
        mode: 'mix',
        // The production rules on a seconds scale; a 3 s monitor keeps the history readable.
        timings: { ...fastTimings, monitorIntervalMs: 3_000 },
        recordingConfig: { maxIdleTime: 30 },
      }) as RecordingRequest;
    const target = { id: `class-${suffix}`, channel: `math_101_${suffix}` };
    const other = { id: `other-${suffix}`, channel: `history_7_${suffix}` };
    await env.client.startRecording(request(target.id, target.channel));
    await env.client.startRecording(request(other.id, other.channel));
    const workflowId = `recording-${target.id}`;

    // The recorder dies once (the emulator's kill), so the page has a restart to show: the
    // workflow notices at its next query, restarts on the backup uid and records again.
    const first = await waitFor(
      async () => {
        const { state } = await env.client.describeRecording(target.id);
        return state?.phase === 'recording' && state.segments.at(-1)?.recorderId ? state : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `${workflowId} in phase "recording" with a sid` },
    );
    const firstSid = first.segments.at(-1)!.recorderId!;
    const killed = await fetch(`${env.emulator.altBaseUrl}/__emulator/tasks/${firstSid}/exit`, { method: 'POST' });
    expect(killed.status).toBe(200);

    // Visibility is eventually consistent: wait until it lists the target recording again, on a new sid.
    const listed = await waitFor(
      async () => {
        const [item] = await env.client.listRecordings({ channel: target.channel });
        return item?.phase === 'recording' && item.restarts === 1 && item.recorderId && item.recorderId !== firstSid ? item : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 250, what: `${workflowId} listed in phase "recording" after one restart` },
    );
    const sid = listed.recorderId!;
    const { state } = await env.client.describeRecording(target.id);
    expect(state?.phase).toBe('recording');
    expect(state?.segments.map((s) => s.recorderId)).toEqual([firstSid, sid]);

    const page = await browser!.newPage({ viewport: { width: 1680, height: 600 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    try {
      // 1. The workflow list, filtered by a search attribute typed into the UI's query box.
      await page.goto(`${env.uiUrl}/namespaces/${env.server.namespace}/workflows`);
      await showRecordingColumns(page);
      await page.getByTestId('toggle-manual-query').click();
      const queryBox = page.getByTestId('manual-search-input');
      await queryBox.fill(`RecordingChannel = "${target.channel}"`);
      await queryBox.press('Enter');
      await page.waitForURL((url) => url.searchParams.get('query') === `RecordingChannel = "${target.channel}"`);

      const rows = page.getByTestId('workflows-summary-configurable-table-row');
      const row = rows.filter({ has: page.getByRole('link', { name: workflowId, exact: true }) });
      await row.waitFor();
      await page.getByRole('link', { name: `recording-${other.id}` }).waitFor({ state: 'detached' });
      expect(await rows.count()).toBe(1);
      expect(await cell(page, row, 'Status')).toBe('Running');
      expect(await cell(page, row, 'RecordingPhase')).toBe('recording');
      expect(await cell(page, row, 'RecordingChannel')).toBe(target.channel);
      expect(await cell(page, row, 'RecordingSid')).toBe(sid);
      expect(await cell(page, row, 'RecordingRestarts')).toBe('1');
      await screenshot(page, 'web-ui-list');

      // 2. Open it: the workflow page with its event history and timeline.
      await row.getByRole('link', { name: workflowId, exact: true }).click();
      await page.waitForURL(new RegExp(`/workflows/${escapeRegExp(workflowId)}/[0-9a-f-]{36}/history$`));
      await page.getByRole('heading', { name: 'Event History' }).waitFor();
      await page.getByText('recordingWorkflow', { exact: true }).first().waitFor();
      // The vendor calls are activities named after the recorder operations; the timeline shows them.
      await page.getByText('prepareRecorder', { exact: true }).first().waitFor();
      await page.setViewportSize({ width: 1600, height: 1200 });
      await screenshot(page, 'web-ui-history');

      // 3. The current phase among the search attributes of the open workflow.
      await page.getByRole('tab', { name: /Search Attributes/ }).click();
      await page.waitForURL(/\/search-attributes$/);
      const attributes = page.locator('.cm-content').filter({ hasText: '"RecordingPhase"' });
      await attributes.waitFor();
      const attributesText = await attributes.innerText();
      expect(attributesText).toContain(`"RecordingPhase": "recording"`);
      expect(attributesText).toContain(`"RecordingSid": "${sid}"`);

      // 4. The Queries tab runs the workflow's `state` query; its JSON answer is shown.
      await page.setViewportSize({ width: 1600, height: 1000 });
      await page.getByRole('tab', { name: /Queries/ }).click();
      await page.waitForURL(/\/query$/);
      await page.getByTestId('query-select-button').click();
      await page.getByRole('option', { name: /^state\b/ }).click();
      await page.getByRole('button', { name: 'Run Query' }).click();
      const answer = page.locator('.cm-content').filter({ hasText: `"recordingId": "${target.id}"` });
      await answer.waitFor();
      const answerText = await answer.innerText();
      expect(answerText).toContain(`"phase": "recording"`);
      expect(answerText).toContain(`"channel": "${target.channel}"`);
      expect(answerText).toContain(`"recorderId": "${firstSid}"`);
      await screenshot(page, 'web-ui-query');

      // Unformatted, the answer is one line of JSON: all of it is in the page, so parse it.
      await page.getByRole('switch', { name: 'JSON Formatting' }).uncheck({ force: true });
      const raw = page.locator('.cm-content').filter({ hasText: `{"recordingId":"${target.id}"` });
      await raw.waitFor();
      const shown = JSON.parse((await raw.textContent()) ?? '') as NonNullable<typeof state>;
      expect(shown.phase).toBe('recording');
      expect(shown.restarts).toBe(1);
      expect(shown.segments.map((s) => s.recorderId)).toEqual([firstSid, sid]);
      expect(shown.segments[0].endReason).toBeTruthy();
    } catch (err) {
      await saveFailure(page);
      throw err;
    } finally {
      await page.close();
    }
  }, 240_000);
});

/**
 * Puts the recording's search attributes in the list: out go Run ID, Type, Start and End, in come
 * RecordingPhase, RecordingChannel, RecordingSid and RecordingRestarts (the UI keeps this per
 * browser, in local storage).
 */
async function showRecordingColumns(page: Page): Promise<void> {
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  for (const c of ['Run ID', 'Type', 'Start', 'End']) await page.getByRole('button', { name: `Remove ${c} column` }).click();
  for (const c of ['RecordingPhase', 'RecordingChannel', 'RecordingSid', 'RecordingRestarts']) {
    await page.getByRole('button', { name: `Add ${c} column` }).click();
  }
  await page.getByRole('button', { name: 'Close Workflows Table configuration' }).click();
  await page.getByTestId('workflows-summary-table-header-cell-RecordingPhase').waitFor();
}

/** A row's cell under the column whose header is `column`. */
async function cell(page: Page, row: Locator, column: string): Promise<string> {
  const headers = await page.locator('[data-testid^="workflows-summary-table-header-cell-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  const index = headers.indexOf(`workflows-summary-table-header-cell-${column}`);
  if (index < 0) throw new Error(`no "${column}" column in the workflow list (columns: ${headers.join(', ')})`);
  return (await row.getByTestId('workflows-summary-table-body-cell').nth(index).innerText()).trim();
}

async function saveFailure(page: Page): Promise<void> {
  try {
    fs.mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: path.join(artifactsDir, 'failure.png') });
    fs.writeFileSync(path.join(artifactsDir, 'failure.html'), await page.content());
  } catch {
    // the original error matters more
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
