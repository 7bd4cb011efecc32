/**
 * Tencent's own Node SDK (tencentcloud-sdk-nodejs-common, the package the provider uses), unmodified, against
 * the emulator: spec §7.3 (endpoint + http://) and §7.4 (real host name, socket redirected).
 */
import http from 'node:http';
import net from 'node:net';
import { CommonClient } from 'tencentcloud-sdk-nodejs-common';
import { startTrtcEmulator, type RunningTrtcEmulator } from '../../../src/emulator/trtc/server';
import { APP, createReq, uniqueRoom } from './support';

let emu: RunningTrtcEmulator;
let agents: http.Agent[] = [];
beforeAll(async () => {
  emu = await startTrtcEmulator({ startDelayMs: 0, qps: 1000, exitingMs: 0 });
});
afterAll(async () => {
  for (const a of agents) a.destroy();
  await emu.close();
});

function sdk(opts: { secretKey?: string; redirect?: boolean; agent?: boolean } = {}) {
  const port = Number(new URL(emu.baseUrl).port);
  let agent: http.Agent | undefined;
  if (opts.redirect) {
    agent = new http.Agent();
    agent.createConnection = ((_o: unknown, cb: unknown) => net.createConnection({ host: '127.0.0.1', port }, cb as () => void)) as never;
  } else if (opts.agent !== false) agent = new http.Agent();
  if (agent) agents.push(agent);
  const endpoint = opts.redirect ? undefined : `127.0.0.1:${port}`;
  return new CommonClient(endpoint ?? 'trtc.tencentcloudapi.com', '2019-07-22', {
    credential: { secretId: emu.options.secretId, secretKey: opts.secretKey ?? emu.options.secretKey },
    region: 'ap-guangzhou',
    profile: { httpProfile: { ...(endpoint ? { endpoint } : {}), protocol: 'http://', reqTimeout: 5, ...(agent ? { agent } : {}) } },
  });
}

test.each([
  ['endpoint 127.0.0.1:PORT + http:// (service "127", host signed without port)', {}],
  ['real host name, socket redirected (service "trtc")', { redirect: true }],
])('the SDK drives all four actions through the emulator: %s', async (_name, opts) => {
  const c = sdk(opts);
  const created = (await c.request('CreateCloudRecording', createReq(uniqueRoom()))) as { TaskId: string; RequestId: string };
  expect(created.TaskId).toBeDefined();
  expect(created.RequestId).toBeDefined();
  const d = (await c.request('DescribeCloudRecording', { SdkAppId: APP, TaskId: created.TaskId })) as { Status: string };
  expect(d.Status).toBe('InProgress');
  await c.request('ModifyCloudRecording', { SdkAppId: APP, TaskId: created.TaskId, MixLayoutParams: { MixLayoutMode: 3 } });
  await c.request('DeleteCloudRecording', { SdkAppId: APP, TaskId: created.TaskId });
  // an API error becomes the SDK's exception with .code, .message and .requestId (spec §7.6)
  await expect(c.request('DescribeCloudRecording', { SdkAppId: APP, TaskId: created.TaskId })).rejects.toMatchObject({
    code: 'ResourceNotFound',
    message: expect.stringContaining(created.TaskId),
    requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
  });
});

test('a forged signature (wrong SecretKey) is rejected with AuthFailure.SignatureFailure', async () => {
  await expect(sdk({ secretKey: 'forged-key' }).request('DescribeCloudRecording', { SdkAppId: APP, TaskId: 'x' })).rejects.toMatchObject({
    code: 'AuthFailure.SignatureFailure',
  });
  await expect(sdk({ secretKey: 'forged-key', redirect: true }).request('DeleteCloudRecording', { SdkAppId: APP, TaskId: 'x' })).rejects.toMatchObject({
    code: 'AuthFailure.SignatureFailure',
  });
});

test('the quirk the provider avoids: without an agent the SDK sends even 127.0.0.1 through http_proxy', async () => {
  const before = process.env.http_proxy;
  process.env.http_proxy = 'http://127.0.0.1:9';
  try {
    const err = await sdk({ agent: false }).request('DescribeCloudRecording', { SdkAppId: APP, TaskId: 'x' }).catch((e: unknown) => e);
    // the SDK wraps the transport failure without a code; the refused address is the proxy's, not the emulator's
    expect((err as { code?: string }).code).toBeUndefined();
    expect(String((err as Error).message)).toContain('connect ECONNREFUSED 127.0.0.1:9');
    await expect(sdk().request('DescribeCloudRecording', { SdkAppId: APP, TaskId: 'x' })).rejects.toMatchObject({ code: 'ResourceNotFound' });
  } finally {
    if (before === undefined) delete process.env.http_proxy;
    else process.env.http_proxy = before;
  }
});
