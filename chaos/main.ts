/**
 * The fault-injection suite: worker kills, a server restart, stop races and the vendor fault
 * matrix against a real dev server, the emulator and two worker processes. See docs/chaos.md.
 *
 *   npx tsx chaos/main.ts [--provider agora|trtc] [--server dev|stack] [--runs N] [--only <scenario>[/<case>],…] [--json] [--verbose]
 */
import { parseArgs } from 'node:util';
import { Rig } from './rig';
import { runScenario, type CaseResult, type ChaosCase, type Scenario } from './scenario';
import type { ChaosProvider } from './vendors';
import { report, type Row } from './report';
import { receiverRestart } from './scenarios/receiver-kill';
import { serverRestart } from './scenarios/server-restart';
import { stackFaults } from './scenarios/stack-faults';
import { stopRace } from './scenarios/stop-race';
import { updateRace } from './scenarios/update-race';
import { vendorFaults } from './scenarios/vendor-faults';
import { workerKill } from './scenarios/worker-kill';

const DEV_SCENARIOS: Scenario[] = [workerKill, serverRestart, stopRace, updateRace, vendorFaults, receiverRestart];
/** On the stack: its own faults by default; every dev scenario but server-restart can be picked with --only. */
const STACK_SCENARIOS: Scenario[] = [stackFaults, workerKill, stopRace, updateRace, vendorFaults];

const USAGE = `usage: npx tsx chaos/main.ts [--provider agora|trtc] [--server dev|stack] [--runs N] [--only <scenario>[/<case>],...] [--json] [--verbose]
  --provider   whose emulator and recordings (default agora); trtc runs the cases whose fault TRTC has
  --server S   dev (default): a dev server the suite starts; stack: the running native stack
               (npm run stack -- start), where the default selection is stack-faults
  --runs N     repetitions of every scenario (default 5)
  --only X     comma-separated scenarios or scenario/case names, e.g. worker-kill,vendor-faults/hang
  --json       end with one JSON line: {"passed","failed","rows":[…]} (progress goes to stderr)
  --verbose    print every run's problems as it finishes
scenarios (dev): ${DEV_SCENARIOS.map((s) => `${s.name} (${s.cases.map((c) => c.name).join(', ')})`).join('; ')}
scenarios (stack): ${stackFaults.name} (${stackFaults.cases.map((c) => c.name).join(', ')}), and the dev ones but server-restart`;

function parseChaosArgs() {
  return parseArgs({
    strict: true,
    options: {
      provider: { type: 'string', default: 'agora' },
      server: { type: 'string', default: 'dev' },
      runs: { type: 'string', default: '5' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseChaosArgs();
  } catch (err) {
    console.error(`chaos: ${(err as Error).message.split('\n')[0]} (see: npx tsx chaos/main.ts --help)`);
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.server !== 'dev' && values.server !== 'stack') {
    console.error(`--server: must be dev or stack, got ${values.server}`);
    return 2;
  }
  const server = values.server;
  const provider = values.provider as ChaosProvider;
  if (provider !== 'agora' && provider !== 'trtc') {
    console.error(`--provider: must be agora or trtc, got ${values.provider}\n${USAGE}`);
    return 2;
  }
  if (provider === 'trtc' && server === 'stack') {
    console.error('--provider trtc runs with --server dev (the stack starts the Agora emulator)');
    return 2;
  }
  const forProvider = (c: ChaosCase) => !c.providers || c.providers.includes(provider);
  const SCENARIOS = server === 'stack' ? STACK_SCENARIOS : DEV_SCENARIOS;
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs: must be a positive integer, got ${values.runs}\n${USAGE}`);
    return 2;
  }
  const filters = values.only?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const known = SCENARIOS.flatMap((s) => [s.name, ...s.cases.map((c) => `${s.name}/${c.name}`)]);
  const unknown = filters.filter((f) => !known.includes(f));
  if (unknown.length) {
    console.error(`--only: unknown ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const defaults = server === 'stack' ? [stackFaults.name] : SCENARIOS.map((sc) => sc.name);
  const selected = (name: string) => (filters.length === 0 ? defaults.some((d) => name.startsWith(`${d}/`)) : filters.some((f) => name === f || name.startsWith(`${f}/`)));
  const runsOn = new Set(SCENARIOS.flatMap((s) => s.cases.filter(forProvider).map((c) => `${s.name}/${c.name}`)));
  const only = (name: string) => runsOn.has(name) && selected(name);
  const say = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);

  const started = Date.now();
  const rows = new Map<string, Row>();
  for (const s of SCENARIOS) for (const c of s.cases) if (only(`${s.name}/${c.name}`)) rows.set(`${s.name}/${c.name}`, { scenario: `${s.name}/${c.name}`, runs: 0, passed: 0, orphans: 0, duplicates: 0, lost: 0, problems: [] });

  let rig: Rig | undefined;
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    say(`\n${sig}: cleaning up`);
    void (rig?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const record = (r: CaseResult, run: number) => {
    const row = rows.get(`${r.scenario}/${r.name}`)!;
    row.runs += 1;
    const ok = r.problems.length === 0 && r.orphans === 0 && r.duplicates === 0 && r.lost === 0;
    if (ok) row.passed += 1;
    row.orphans += r.orphans;
    row.duplicates += r.duplicates;
    row.lost += r.lost;
    for (const p of r.problems) row.problems.push(`run ${run}: ${p}`);
    say(`  ${ok ? 'ok  ' : 'FAIL'} ${r.scenario}/${r.name} run ${run} (${(r.ms / 1000).toFixed(1)} s)${!ok && values.verbose ? `\n       ${r.problems.join('\n       ')}` : ''}`);
  };

  try {
    rig = await Rig.start(say, server, provider);
    for (const s of SCENARIOS) {
      if (!s.cases.some((c) => only(`${s.name}/${c.name}`))) continue;
      for (let run = 1; run <= runs && !interrupted; run++) {
        say(`${s.name}: run ${run}/${runs}`);
        await runScenario(rig, s, only, (r) => record(r, run));
      }
    }
  } catch (err) {
    if (interrupted) return 130;
    say(`chaos: the rig failed: ${(err as Error).stack ?? err}`);
    const broken = [...rows.values()].find((r) => r.runs < runs);
    if (broken) {
      broken.runs += 1;
      broken.problems.push(`rig: ${(err as Error).message}`);
    }
  } finally {
    await rig?.close();
  }
  const out = report([...rows.values()], { notes: rig?.notes ?? [], seconds: (Date.now() - started) / 1000 });
  say(out.text);
  if (values.json) console.log(JSON.stringify(out.json));
  return out.json.failed === 0 && out.json.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
