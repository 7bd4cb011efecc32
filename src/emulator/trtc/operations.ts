import { taskNotFound, TrtcError } from './errors';
import type { TrtcStore, Task } from './state';
import { checkUserSig } from './usersig';
import { validateCreate, validateDelete, validateDescribe, validateModify } from './validation';

export const ACTIONS = ['CreateCloudRecording', 'DescribeCloudRecording', 'ModifyCloudRecording', 'DeleteCloudRecording'] as const;
export type Action = (typeof ACTIONS)[number];

export interface OperationOptions {
  /** Live tasks per account (SecretId) before Create answers FailedOperation.RestrictedConcurrency. */
  maxConcurrent: number;
  /** SdkAppId → SDK secret key; a configured app gets its robot UserSig verified. */
  sdkSecretKeys: Record<string, string>;
}

export interface InvalidAppIds {
  has(appId: string): boolean;
}

/** The recording service behind the API gateway: each method performs one action or throws a TrtcError. */
export class TrtcOperations {
  constructor(
    private readonly store: TrtcStore,
    private readonly opts: OperationOptions,
    private readonly invalidApps: InvalidAppIds,
  ) {}

  run(action: Action, body: unknown, secretId: string): Record<string, unknown> {
    switch (action) {
      case 'CreateCloudRecording':
        return this.create(body, secretId);
      case 'DescribeCloudRecording':
        return this.describe(body, secretId);
      case 'ModifyCloudRecording':
        return this.modify(body, secretId);
      case 'DeleteCloudRecording':
        return this.delete(body, secretId);
    }
  }

  private checkApp(sdkAppId: number): void {
    if (this.invalidApps.has(String(sdkAppId)))
      throw new TrtcError('InvalidParameter.SdkAppId', `SdkAppId ${sdkAppId} does not exist or has no cloud recording.`);
  }

  private create(body: unknown, secretId: string) {
    const req = validateCreate(body);
    this.checkApp(req.sdkAppId);
    const now = this.store.now();
    const sig = checkUserSig(req.userSig, req.sdkAppId, req.userId, this.opts.sdkSecretKeys[String(req.sdkAppId)], now);
    if (!sig.ok) throw new TrtcError('InvalidParameter.UserSig', sig.message);
    // The same UserId entering the same room again pushes the earlier robot out (LeaveCode 101, spec §5.5).
    const earlier = this.store.liveByIdentity(req.sdkAppId, req.roomId, req.userId);
    if (!earlier && this.store.liveCount(secretId) >= this.opts.maxConcurrent)
      throw new TrtcError('FailedOperation.RestrictedConcurrency', `Concurrent recording tasks exceed the limit of ${this.opts.maxConcurrent}.`);
    if (earlier) this.store.end(earlier, 'replaced');
    const task = this.store.create(req, secretId, sig.expiresAt);
    return { TaskId: task.taskId };
  }

  private describe(body: unknown, secretId: string) {
    const req = validateDescribe(body);
    this.checkApp(req.sdkAppId);
    const at = this.store.now();
    const task = this.find(req.sdkAppId, req.taskId, secretId, true, at);
    const status = this.store.status(task, at) as 'Idle' | 'InProgress' | 'Exited';
    // VOD tasks report files through callbacks only (spec §2.2).
    const files = task.storage === 'vod' ? [] : task.files.map(({ UserId, FileName, TrackType, BeginTimeStamp }) => ({ UserId, FileName, TrackType, BeginTimeStamp }));
    const out: Record<string, unknown> = { TaskId: task.taskId, Status: status, StorageFileList: files };
    if (req.recorderKey !== undefined) out.RecorderKey = req.recorderKey;
    return out;
  }

  private modify(body: unknown, secretId: string) {
    const req = validateModify(body);
    this.checkApp(req.sdkAppId);
    const task = this.find(req.sdkAppId, req.taskId, secretId, false);
    if (req.layout !== undefined && task.recordMode !== 2)
      throw new TrtcError('FailedOperation.CRUnsupportMethod', 'MixLayoutParams can only be modified on a mixed-stream (RecordMode 2) task.');
    // Each object given replaces the previous one whole; an omitted object is left as it was (spec §8.8 choice).
    this.store.refresh();
    if (req.subscribe !== undefined) task.subscribe = req.subscribe;
    if (req.layout !== undefined) task.layout = req.layout;
    task.modifyCount++;
    return { TaskId: task.taskId };
  }

  private delete(body: unknown, secretId: string) {
    const req = validateDelete(body);
    this.checkApp(req.sdkAppId);
    const task = this.find(req.sdkAppId, req.taskId, secretId, false);
    this.store.end(task, 'deleted');
    return { TaskId: task.taskId };
  }

  /** The task, or ResourceNotFound when unknown, someone else's, ended (Describe: past the Exited window) or past ResourceExpiredHour. */
  private find(sdkAppId: number, taskId: string, secretId: string, exiting: boolean, at = this.store.now()): Task {
    this.store.refresh();
    const task = this.store.tasks.get(taskId);
    if (!task || task.sdkAppId !== sdkAppId || task.secretId !== secretId) throw taskNotFound(taskId);
    const status = this.store.status(task, at);
    if (status === 'Gone' || (status === 'Exited' && !exiting)) throw taskNotFound(taskId);
    if (at >= task.controlExpiresAt)
      throw taskNotFound(taskId, 'is past its ResourceExpiredHour and can no longer be controlled through the API');
    return task;
  }
}
