/**
 * A scenario is a group of cases (one table row each). A case drives recordings and breaks things;
 * every recording it tracks is then judged by checks.ts. Cases of a parallel group run at once,
 * each on its own channel with faults matched to it; the others run one after another.
 */
import { judge, type Expectation, type Verdict } from './checks';
import type { Rig, Tracked } from './rig';

export interface CaseContext {
  rig: Rig;
  /** Registers a recording for judgement (call it as soon as the recording exists). */
  track(t: Tracked, expect: Expectation): Tracked;
}

export interface ChaosCase {
  name: string;
  /** The providers whose vendor has this case's fault at all (default: every provider). */
  providers?: Array<'agora' | 'trtc'>;
  drive(ctx: CaseContext): Promise<void>;
}

export interface Scenario {
  name: string;
  /** Run the cases of one repetition at the same time (they must not share global faults). */
  parallel: boolean;
  cases: ChaosCase[];
  /** Optional: the longest a case's workflows may take to finish once stopped. */
  timeoutMs?: number;
}

export interface CaseResult extends Verdict {
  scenario: string;
  name: string;
  ms: number;
}

interface Driven {
  c: ChaosCase;
  tracked: Array<{ t: Tracked; expect: Expectation }>;
  error?: string;
  ms: number;
}

async function drive(rig: Rig, c: ChaosCase): Promise<Driven> {
  const started = Date.now();
  const d: Driven = { c, tracked: [], ms: 0 };
  try {
    await c.drive({
      rig,
      track: (t, expect) => {
        d.tracked.push({ t, expect });
        return t;
      },
    });
  } catch (err) {
    d.error = `driver: ${(err as Error).message}`;
  }
  // Whatever happened, every recording is asked to stop so it can be judged (and nothing is left running).
  await Promise.all(d.tracked.filter(({ t }) => t.stopSentAt === undefined).map(({ t }) => rig.stop(t, 'chaos: end of case')));
  d.ms = Date.now() - started;
  return d;
}

function merge(scenario: string, d: Driven, verdicts: Verdict[]): CaseResult {
  const r: CaseResult = { scenario, name: d.c.name, ms: d.ms, orphans: 0, duplicates: 0, lost: 0, problems: d.error ? [d.error] : [] };
  for (const v of verdicts) {
    r.orphans += v.orphans;
    r.duplicates += v.duplicates;
    r.lost += v.lost;
    r.problems.push(...v.problems);
  }
  return r;
}

/** One repetition of a scenario: every selected case driven and judged. */
export async function runScenario(rig: Rig, s: Scenario, only: (name: string) => boolean, onCase: (r: CaseResult) => void): Promise<CaseResult[]> {
  const cases = s.cases.filter((c) => only(`${s.name}/${c.name}`));
  const results: CaseResult[] = [];
  const finish = async (driven: Driven[]) => {
    const flat = driven.flatMap((d) => d.tracked);
    const verdicts = await judge(rig, flat, { timeoutMs: s.timeoutMs });
    let i = 0;
    for (const d of driven) {
      const r = merge(s.name, d, verdicts.slice(i, i + d.tracked.length));
      i += d.tracked.length;
      results.push(r);
      onCase(r);
    }
    // Leftover faults (e.g. a burst not fully consumed) must not leak into the next repetition.
    await rig.control('DELETE', '/faults');
    await rig.ensureWorkers();
  };
  if (s.parallel) {
    await finish(await Promise.all(cases.map((c) => drive(rig, c))));
  } else {
    for (const c of cases) await finish([await drive(rig, c)]);
  }
  return results;
}
