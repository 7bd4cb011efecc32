/**
 * The callback receiver (a process of its own, as deployed) is SIGKILLed while a recorder's death
 * is being reported, and started again on the same port: the vendor resends per its policy (Agora
 * at once, 3 s, 9 s; TRTC at once, then every 10 s for a minute), so the report still lands or
 * polling finds the death. The recording keeps recording, one successor, no orphans.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { ReceiverProcess } from '../../bench/lib/receiver-process';
import { check, endedStopped } from '../checks';
import { chaosDir, pause } from '../rig';
import type { ChaosCase, Scenario } from '../scenario';
import { TRTC_APP } from '../vendors';

interface SentEvent {
  ref: string;
  eventType: number;
  attempts: Array<{ outcome: string; httpStatus: number | null }>;
}

const receiverKill: ChaosCase = {
  name: 'receiver-kill',
  async drive(ctx) {
    const { rig } = ctx;
    const trtc = rig.provider === 'trtc';
    // A callback key is letters and digits (TRTC spec §5.1); the NCS secret may be anything.
    const secret = crypto.randomBytes(16).toString('hex');
    const receiver = await ReceiverProcess.start(
      { temporalAddress: rig.server?.address, namespace: rig.server?.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default', ...(trtc ? { trtcKeys: { [TRTC_APP]: secret } } : { agoraSecret: secret }) },
      path.join(chaosDir, `receiver-${rig.runTag}.log`),
    );
    try {
      await rig.control('POST', '/callbacks', { url: receiver.urlFor(rig.provider), secret });
      // A poll far off: a restart within it came from a callback that outlived the receiver's crash.
      const t = ctx.track(
        await rig.startRecording('receiver-kill', { timings: { monitorIntervalMs: 30_000 } }),
        endedStopped((s) => check(s.restarts >= 1, `expected the killed recorder to be replaced, restarts ${s.restarts}`)),
      );
      const first = (await rig.waitState(t.recordingId, (s) => s.phase === 'recording', 'recording')).segments[0];
      await receiver.kill();
      const killedAt = Date.now();
      await rig.control('POST', `/tasks/${first.recorderId}/exit`);
      // Down across the first attempts, up before the vendor gives up.
      await pause(trtc ? 2_000 : 1_500);
      await receiver.restart();
      const after = await rig.waitState(t.recordingId, (s) => s.segments.length >= 2 && s.phase === 'recording', 'a successor after the receiver came back', 60_000);
      const byCallback = Date.parse(after.segments[1].requestedAt!) - killedAt < 25_000;
      const log = (await rig.control<{ events: SentEvent[] }>('GET', '/callbacks')).events.filter((e) => e.ref === first.recorderId);
      const failed = log.flatMap((e) => e.attempts).filter((a) => a.httpStatus !== 200);
      const delivered = log.filter((e) => e.attempts.some((a) => a.httpStatus === 200));
      if (failed.length === 0) throw new Error('no callback attempt failed while the receiver was down: the kill missed the callbacks');
      if (delivered.length === 0) throw new Error('no callback about the killed recorder was delivered after the receiver came back');
      if (!byCallback) rig.notes.push(`receiver-kill: the successor came ${Date.parse(after.segments[1].requestedAt!) - killedAt} ms after the kill (the poll, not a callback)`);
      await rig.stop(t);
    } finally {
      await rig.control('POST', '/callbacks', { url: null, secret: null }).catch(() => undefined);
      await receiver.stop();
    }
  },
};

export const receiverRestart: Scenario = { name: 'receiver-restart', parallel: false, cases: [receiverKill] };
