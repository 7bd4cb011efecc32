/**
 * The Web UI's "Current Details" for a recording: what it is doing now and why, in a few lines
 * of Temporal markdown, so an operator does not have to open the state query to triage.
 */
import type { RecordingState } from './messages';

export function currentDetails(s: RecordingState): string {
  const seg = s.segments[s.segments.length - 1];
  const lines = [`**${s.phase}** · channel \`${s.channel}\` · ${s.mode} · App ID \`${s.appId}\``];
  if (seg) {
    const recorder = [`uid \`${seg.uid}\``, seg.sid ? `sid \`${seg.sid}\`` : 'no sid yet', s.lastStatus !== undefined ? `status ${s.lastStatus}` : undefined];
    lines.push(`Recorder #${seg.index}: ${recorder.filter(Boolean).join(' · ')}${seg.confirmedAt ? ` · confirmed ${seg.confirmedAt}` : ''}`);
  }
  lines.push(`Restarts: ${s.restarts}${s.consecutiveFailures ? ` · failed attempts in a row: ${s.consecutiveFailures}` : ''}`);
  if (s.waiting) lines.push(`Waiting: ${s.waiting.reason} until ${s.waiting.until}`);
  else if (s.nextPollAt && s.phase === 'recording') lines.push(`Next query: ${s.nextPollAt}`);
  if (s.lastError) lines.push(`Last error: ${s.lastError}`);
  if (s.stopRequestedAt) lines.push(`Stop requested ${s.stopRequestedAt}${s.stopReason ? `: ${s.stopReason}` : ''}`);
  return lines.join('\n\n');
}
