import { patched } from '@temporalio/workflow';

/** Every patch id the workflow asks for, in one place: a new behaviour gets a new id, never a reused one. */
export const PATCH = {
  inputCheckedOutsideSandbox: 'input-checked-outside-sandbox',
  decidedBeforeInputCheck: 'patches-decided-before-input-check',
  lanesRunApart: 'lanes-run-apart',
  backendNotifications: 'backend-notifications',
  recorderIdsSearchAttribute: 'recorder-ids-search-attribute',
  coverageSearchAttributes: 'coverage-search-attributes',
  routinePollsPromoted: 'routine-polls-promoted',
} as const;

/**
 * Decides, before the input check, every patch the recording's construction asks for. The check is
 * a local activity, and its marker and the code after it can be recorded in different workflow
 * tasks (a query arriving during the check ends the first task early). Replay resolves the local
 * activity inside that first task, where the SDK knows only that task's patch markers, so a patch
 * first asked for after the check reads as absent and the replay fails. Decided here, the later
 * calls get the same answer and add nothing. Histories from before this decide them where the
 * code first meets them, as they were recorded. A later patch that the construction asks for needs
 * a gate of its own here (a new gate id, then the patch), so that histories recorded before it keep
 * deciding it where they did.
 */
export function decidePatchesBeforeInputCheck(): void {
  if (!patched(PATCH.decidedBeforeInputCheck)) return;
  for (const id of [PATCH.lanesRunApart, PATCH.backendNotifications, PATCH.recorderIdsSearchAttribute, PATCH.coverageSearchAttributes]) patched(id);
}
