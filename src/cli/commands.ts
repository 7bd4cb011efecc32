/** The CLI's commands: each validates its arguments fully before it connects to Temporal. */
import { WorkflowNotFoundError } from '@temporalio/client';
import { workflowIdFor, type RecordingClient, type RecordingRequest } from '../client';
import { PHASES, type RecordingSummary } from '../contract/messages';
import { recordingIdSchema } from '../contract/request';
import type { Layout, Subscriptions } from '../providers/agora/request';
import { PROVIDER_NAMES, providers, recordingRequestSchema, timingsFor } from '../providers/catalog';
import { int, issuesMessage, jsonObject, str, uidList, UsageError, type OptionSpecs, type Values } from './args';
import { formatDescription, formatList, formatStarted, formatSummary, formatUpdate, json, formatUploads, uploadView } from './format';
import { writeFileSync } from 'node:fs';
import { renderListHtml, renderRecordingHtml } from '../report/html';
import { formatReport, formatReportList } from '../report/text';

export interface CommandContext {
  values: Values;
  positionals: string[];
  json: boolean;
  out(text: string): void;
  /** Connects on first use; the runner closes it. */
  client(): Promise<RecordingClient>;
}

export interface Command {
  summary: string;
  /** After the command name: "ID [--reason TEXT] [--no-wait]". */
  synopsis: string;
  positionals: string[];
  options: OptionSpecs;
  /** update and layout: `--json VALUE` is the request body. */
  jsonBody?: boolean;
  examples: string[];
  run(ctx: CommandContext): Promise<number>;
}


function recordingId(ctx: CommandContext): string {
  const r = recordingIdSchema.safeParse(ctx.positionals[0]);
  if (!r.success) throw new UsageError(issuesMessage(r.error, {}, {}, 'recording id'));
  return r.data;
}

const subscriptionFlags: Record<string, string> = {
  subscribeAudioUids: '--subscribe-audio',
  unsubscribeAudioUids: '--unsubscribe-audio',
  subscribeVideoUids: '--subscribe-video',
  unsubscribeVideoUids: '--unsubscribe-video',
};

/** Each provider's own start flags: the request field each sets, which are required, and the other provider's flags. */
const PROVIDER_FLAGS: Record<string, { fields: Record<string, string>; required: Array<[string, string]>; foreign: Record<string, string>; subscriptionFields: [string, string] }> = {
  agora: {
    fields: { 'app-id': 'appId', channel: 'channel', mode: 'mode' },
    required: [['appId', '--app-id'], ['channel', '--channel']],
    foreign: { 'sdk-app-id': '--app-id', room: '--channel', 'room-id-type': '', 'record-mode': '--mode' },
    subscriptionFields: ['subscribeAudioUids', 'subscribeVideoUids'],
  },
  trtc: {
    fields: { 'sdk-app-id': 'sdkAppId', room: 'channel', 'room-id-type': 'roomIdType', 'record-mode': 'recordMode' },
    required: [['sdkAppId', '--sdk-app-id'], ['channel', '--room']],
    foreign: { 'app-id': '--sdk-app-id', channel: '--room', mode: '--record-mode' },
    subscriptionFields: ['SubscribeAudioUserIds', 'SubscribeVideoUserIds'],
  },
};

const start: Command = {
  summary: 'start a recording (or attach to the running one with the same id)',
  synopsis: '--recording-id ID (--app-id APPID --channel NAME | --provider trtc --sdk-app-id N --room ROOM) [options]',
  positionals: [],
  options: {
    'recording-id': { type: 'string', value: 'ID', help: 'your id for the recording (letters, digits, . _ : @ -); required' },
    provider: { type: 'string', value: 'NAME', help: 'agora | trtc (default agora)' },
    'app-id': { type: 'string', value: 'APPID', help: 'Agora App ID; required with agora' },
    channel: { type: 'string', value: 'NAME', help: 'Agora channel to record; required with agora' },
    mode: { type: 'string', value: 'MODE', help: 'agora: mix | individual | web (default mix)' },
    'sdk-app-id': { type: 'string', value: 'N', help: 'TRTC SdkAppId; required with trtc' },
    room: { type: 'string', value: 'ROOM', help: 'TRTC RoomId to record; required with trtc' },
    'room-id-type': { type: 'string', value: '0|1', help: 'trtc: 1 integer room ids (default), 0 string room ids' },
    'record-mode': { type: 'string', value: 'MODE', help: 'trtc: mixed | single (default mixed)' },
    identities: { type: 'string', value: 'IDS', help: 'recorder identities (Agora uids, TRTC robot UserIds) taken in turn on restarts, comma-separated, at least 2 (default: derived from the recording id)' },
    'storage-profile': { type: 'string', value: 'NAME', help: 'storage profile in the worker config (default "default")' },
    'max-idle-time': { type: 'string', value: 'S', help: 'seconds without hosts before the vendor ends the recorder (default 300)' },
    'subscribe-audio': { type: 'string', value: 'IDS', help: 'comma-separated users (Agora: uids or #allstream#) to record audio from' },
    'subscribe-video': { type: 'string', value: 'IDS', help: 'comma-separated users (Agora: uids or #allstream#) to record video from' },
    'track-uploads': { type: 'boolean', help: 'after stop, stay in phase uploading until the vendor\'s upload callbacks settle every segment (needs the callback receiver)' },
    'options-json': { type: 'string', value: 'FILE|JSON', help: 'further RecordingRequest fields (timings, layout, recordingConfig, webRecorder, …); flags win' },
  },
  examples: [
    'start --recording-id class-42 --app-id a0b1c2d3 --channel room_42',
    'start --recording-id class-43 --provider trtc --sdk-app-id 1400188366 --room 4242',
    `start --recording-id c42 --app-id a0b1c2d3 --channel room_42 --identities 9001,9002 --options-json '{"layout":{"mixedVideoLayout":1}}'`,
  ],
  async run(ctx) {
    const v = ctx.values;
    const optionsJson = str(v, 'options-json');
    const req: Record<string, unknown> = optionsJson ? jsonObject(optionsJson, '--options-json') : {};
    const set = (field: string, value: unknown) => {
      if (value !== undefined) req[field] = value;
    };
    const provider = str(v, 'provider') ?? (req.provider as string | undefined) ?? 'agora';
    const flags = PROVIDER_FLAGS[provider];
    if (!flags) throw new UsageError(`--provider: must be one of ${Object.keys(PROVIDER_FLAGS).join(', ')}; got '${provider}'`);
    for (const [flag, other] of Object.entries(flags.foreign)) {
      if (v[flag] !== undefined) throw new UsageError(`--${flag} is not a ${provider} option${other ? `; use ${other}` : ''}`);
    }
    req.provider = provider;
    set('recordingId', str(v, 'recording-id'));
    for (const [flag, field] of Object.entries(flags.fields)) set(field, flag === 'sdk-app-id' ? int(v, flag, 1, 4_294_967_295) : flag === 'room-id-type' ? int(v, flag, 0, 1) : str(v, flag));
    set('storageProfile', str(v, 'storage-profile'));
    if (v['track-uploads'] === true) req.trackUploads = true;
    for (const [field, flag] of [['recordingId', '--recording-id'], ...flags.required]) {
      if (req[field] === undefined) throw new UsageError(`missing required option ${flag} (${field})`);
    }
    const identities = uidList(v, 'identities');
    if (identities) req.identities = identities;
    const maxIdle = int(v, 'max-idle-time', 5, 2_592_000);
    if (maxIdle !== undefined) {
      if (provider === 'agora') req.recordingConfig = { ...(req.recordingConfig as object | undefined), maxIdleTime: maxIdle };
      else req.maxIdleTime = maxIdle;
    }
    const audio = uidList(v, 'subscribe-audio');
    const video = uidList(v, 'subscribe-video');
    if (audio || video) {
      const [a, vd] = flags.subscriptionFields;
      req.subscriptions = { ...(req.subscriptions as object | undefined), ...(audio && { [a]: audio }), ...(video && { [vd]: video }) };
    }

    const parsed = recordingRequestSchema.safeParse(req);
    if (!parsed.success) {
      const names: Record<string, string> = { recordingId: '--recording-id', identities: '--identities', storageProfile: '--storage-profile', maxIdleTime: '--max-idle-time', 'recordingConfig.maxIdleTime': '--max-idle-time' };
      for (const [flag, field] of Object.entries(flags.fields)) names[field] = `--${flag}`;
      names[`subscriptions.${flags.subscriptionFields[0]}`] = '--subscribe-audio';
      names[`subscriptions.${flags.subscriptionFields[1]}`] = '--subscribe-video';
      throw new UsageError(issuesMessage(parsed.error, names, v));
    }
    try {
      timingsFor(parsed.data);
    } catch (err) {
      throw new UsageError(`invalid input: ${(err as Error).message}`);
    }
    return print(ctx, await (await ctx.client()).startRecording(req as RecordingRequest), formatStarted);
  },
};

const stop: Command = {
  summary: 'stop a recording and print its summary (segments, files, upload status)',
  synopsis: 'ID [--reason TEXT] [--no-wait]',
  positionals: ['ID'],
  options: {
    reason: { type: 'string', value: 'TEXT', help: 'why it stopped (kept in the summary)' },
    'no-wait': { type: 'boolean', help: 'only send the stop; do not wait for the summary' },
  },
  examples: ['stop class-42 --reason "class over"', 'stop class-42 --no-wait'],
  async run(ctx) {
    const id = recordingId(ctx);
    const client = await ctx.client();
    const wait = ctx.values['no-wait'] !== true;
    let summary: RecordingSummary | undefined;
    try {
      summary = await client.stopRecording(id, { reason: str(ctx.values, 'reason'), wait });
    } catch (err) {
      // Signalling a closed workflow fails as not found; a recording that already ended still has its summary.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const d = await client.describeRecording(id);
      if (d.status !== 'COMPLETED') throw err;
      summary = wait ? await client.temporal.workflow.getHandle(workflowIdFor(id)).result() : undefined;
    }
    if (!wait) ctx.out(ctx.json ? json({ recordingId: id, stopRequested: true }) : `stop requested for ${id}`);
    else ctx.out(ctx.json ? json(summary) : formatSummary(summary!));
    return 0;
  },
};

const update: Command = {
  summary: "change a recording's audio/video subscriptions",
  synopsis: 'ID (--subscribe-audio UIDS | --unsubscribe-audio UIDS | --subscribe-video UIDS | --unsubscribe-video UIDS | --json JSON)',
  positionals: ['ID'],
  jsonBody: true,
  options: {
    'subscribe-audio': { type: 'string', value: 'UIDS', help: 'record audio of these uids only (comma-separated, or #allstream#)' },
    'unsubscribe-audio': { type: 'string', value: 'UIDS', help: 'record audio of everyone but these uids' },
    'subscribe-video': { type: 'string', value: 'UIDS', help: 'record video of these uids only' },
    'unsubscribe-video': { type: 'string', value: 'UIDS', help: 'record video of everyone but these uids' },
    'json-body': { type: 'string', value: 'FILE|JSON', help: '(written --json) the Subscriptions object, e.g. {"subscribeAudioUids":["1"]}; a bare --json means JSON output' },
  },
  examples: ['update class-42 --subscribe-audio 1001,1002 --unsubscribe-video 1003', `update class-42 --json '{"subscribeVideoUids":["#allstream#"]}'`],
  async run(ctx) {
    const subs = jsonBody(ctx);
    for (const [field, flag] of Object.entries(subscriptionFlags)) {
      const list = uidList(ctx.values, flag.slice(2));
      if (list) subs[field] = list;
    }
    if (!Object.keys(subs).length) throw new UsageError('update needs one of --subscribe-audio, --unsubscribe-audio, --subscribe-video, --unsubscribe-video or --json JSON');
    return sendSetting(ctx, 'subscriptions', subs, subscriptionFlags);
  },
};

const layout: Command = {
  summary: "change a mix recording's layout",
  synopsis: 'ID (--layout N | --json JSON)',
  positionals: ['ID'],
  jsonBody: true,
  options: {
    layout: { type: 'string', value: 'N', help: 'mixedVideoLayout: 0 floating, 1 best fit (2 and 3 need --json)' },
    'json-body': { type: 'string', value: 'FILE|JSON', help: '(written --json) the Layout object, e.g. {"mixedVideoLayout":3,"layoutConfig":[…]}; a bare --json means JSON output' },
  },
  examples: ['layout class-42 --layout 1', `layout class-42 --json '{"mixedVideoLayout":2,"maxResolutionUid":"1001"}'`],
  async run(ctx) {
    const l = jsonBody(ctx);
    const n = int(ctx.values, 'layout', 0, 3);
    if (n !== undefined) l.mixedVideoLayout = n;
    if (!Object.keys(l).length) throw new UsageError('layout needs --layout N or --json JSON');
    return sendSetting(ctx, 'layout', l, { mixedVideoLayout: '--layout' });
  },
};

/** The object given with --json (a file or inline JSON), or an empty one. */
function jsonBody(ctx: CommandContext): Record<string, unknown> {
  const body = str(ctx.values, 'json-body');
  return body ? jsonObject(body, '--json') : {};
}

/** Validates a setting, naming the flag that set each bad field, then sends it and prints the answer. */
async function sendSetting(ctx: CommandContext, name: 'subscriptions' | 'layout', value: Record<string, unknown>, flags: Record<string, string>): Promise<number> {
  const id = recordingId(ctx);
  // Valid for some provider (the workflow checks it against its own); otherwise the first provider's
  // problems, which name the flags.
  const tried = PROVIDER_NAMES.map((p) => providers[p].settings[name].safeParse(value));
  const valid = tried.find((r) => r.success);
  if (!valid) throw new UsageError(issuesMessage(tried[0].error!, flags, ctx.values, name));
  const client = await ctx.client();
  const result = name === 'layout' ? await client.updateLayout(id, valid.data as Layout) : await client.updateSubscriptions(id, valid.data as Subscriptions);
  return print(ctx, result, formatUpdate);
}

/** JSON with --json, the human form otherwise; exit code 0. */
function print<T>(ctx: CommandContext, value: T, human: (v: T) => string): number {
  ctx.out(ctx.json ? json(value) : human(value));
  return 0;
}

const describe: Command = {
  summary: "show a recording's state (--json: the state object exactly)",
  synopsis: 'ID',
  positionals: ['ID'],
  options: {},
  examples: ['describe class-42', 'describe class-42 --json'],
  async run(ctx) {
    const id = recordingId(ctx);
    const d = await (await ctx.client()).describeRecording(id);
    if (ctx.json) {
      if (!d.state) throw new Error(`recording ${id} has no queryable state (workflow ${d.workflowId} is ${d.status})`);
      ctx.out(json(d.state));
    } else {
      ctx.out(formatDescription(d));
    }
    return 0;
  },
};

const uploads: Command = {
  summary: "show where a recording's files are: each segment's upload state (--wait: until they settle)",
  synopsis: 'ID [--wait]',
  positionals: ['ID'],
  options: {
    wait: { type: 'boolean', help: 'wait until every upload settled or its deadline passed, then print the final summary' },
  },
  examples: ['uploads class-42', 'uploads class-42 --wait --json'],
  async run(ctx) {
    const id = recordingId(ctx);
    const client = await ctx.client();
    if (ctx.values.wait === true) return print(ctx, await client.awaitUploads(id), formatSummary);
    const d = await client.describeRecording(id);
    if (!d.state) throw new Error(`recording ${id} has no queryable state (workflow ${d.workflowId} is ${d.status})`);
    const view = uploadView(d.state);
    ctx.out(ctx.json ? json(view) : formatUploads(view));
    return 0;
  },
};

const list: Command = {
  summary: 'list recordings (running only unless --all)',
  synopsis: '[--phase P] [--channel C] [--app-id A] [--all] [--limit N]',
  positionals: [],
  options: {
    phase: { type: 'string', value: 'P', help: PHASES.join(' | ') },
    channel: { type: 'string', value: 'C', help: 'only this channel' },
    'app-id': { type: 'string', value: 'A', help: 'only this App ID' },
    all: { type: 'boolean', help: 'include finished recordings' },
    limit: { type: 'string', value: 'N', help: 'at most N rows (default 100)' },
  },
  examples: ['list', 'list --phase recording --channel room_42', 'list --all --limit 20 --json'],
  async run(ctx) {
    const v = ctx.values;
    const phase = str(v, 'phase');
    if (phase !== undefined && !(PHASES as readonly string[]).includes(phase)) throw new UsageError(`--phase: must be one of ${PHASES.join(', ')}; got '${phase}'`);
    const channel = str(v, 'channel');
    const appId = str(v, 'app-id');
    for (const [flag, value] of [['--channel', channel], ['--app-id', appId]]) if (value === '') throw new UsageError(`${flag}: must not be empty`);
    const limit = int(v, 'limit', 1, 10_000);
    const items = await (await ctx.client()).listRecordings({ phase: phase as never, channel, account: appId, running: v.all !== true, limit });
    return print(ctx, items, formatList);
  },
};

const report: Command = {
  summary: "a recording's coverage as a timeline (lanes, segments, gaps with reasons, uploads), or --list: many with their coverage",
  synopsis: 'ID [--html FILE | --json]  |  --list [--since 24h] [--query Q] [--limit N] [--html FILE | --json]',
  positionals: ['ID?'],
  options: {
    html: { type: 'string', value: 'FILE', help: 'write a self-contained HTML page (SVG timeline, no external assets) to FILE' },
    list: { type: 'boolean', help: 'a table of many recordings (running and finished) with coverage and gap totals' },
    since: { type: 'string', value: 'WHEN', help: 'with --list: started after 90m / 24h / 7d ago, or an ISO time' },
    query: { type: 'string', value: 'Q', help: 'with --list: a visibility query ANDed in, e.g. "RecordingGapSeconds > 60"' },
    limit: { type: 'string', value: 'N', help: 'with --list: at most N rows (default 200)' },
  },
  examples: ['report class-42', 'report class-42 --html class-42.html', 'report --list --since 24h --query "RecordingGapSeconds > 60" --html gaps.html'],
  async run(ctx) {
    const v = ctx.values;
    const html = str(v, 'html');
    if (html !== undefined && ctx.json) throw new UsageError('--html and --json exclude each other');
    if (html === '') throw new UsageError('--html: must name a file');
    const write = (page: string, what: string) => {
      writeFileSync(html!, page);
      ctx.out(`wrote ${what} to ${html}`);
      return 0;
    };
    if (v.list === true) {
      if (ctx.positionals.length) throw new UsageError(`report --list takes no recording id (got '${ctx.positionals[0]}')`);
      const limit = int(v, 'limit', 1, 10_000);
      const since = str(v, 'since');
      const query = str(v, 'query');
      if (query !== undefined && !query.trim()) throw new UsageError('--query: must not be empty');
      const list = await (await ctx.client()).reportList({ since, query, limit });
      if (html !== undefined) return write(renderListHtml(list), `a table of ${list.rows.length} recording(s)`);
      return print(ctx, list, formatReportList);
    }
    for (const flag of ['since', 'query', 'limit']) if (v[flag] !== undefined) throw new UsageError(`--${flag} goes with --list`);
    if (!ctx.positionals.length) throw new UsageError('missing recording id (usage: report ID [--html FILE | --json], or report --list)');
    const id = recordingId(ctx);
    const r = await (await ctx.client()).reportRecording(id);
    if (html !== undefined) return write(renderRecordingHtml(r), `the report of ${id} (${(r.coverage.ratio * 100).toFixed(1)}% covered)`);
    return print(ctx, r, formatReport);
  },
};

export const commands: Record<string, Command> = { start, stop, update, layout, describe, uploads, list, report };
