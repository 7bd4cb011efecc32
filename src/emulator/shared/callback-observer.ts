import type { CallbackSender, Outgoing } from './callback-sender';

/** What an emulator's store offers its callbacks: its clock, its recorders by id, and a refresh of both. */
export interface ObservedStore<TTask> {
  refresh(): void;
  now(): number;
  readonly tasks: Map<string, TTask>;
}

/**
 * Turns an emulator's state changes into vendor callbacks: each recorder gets a track of what was
 * already sent, and every pass sends what has become due since. The vendors differ only in what
 * is due (`eventsDue`); the pass, the tracks and the upload count are the same.
 */
export abstract class CallbackObserver<TTask, TTrack extends { done: boolean }> {
  private readonly tracks = new Map<string, TTrack>();
  /** Uploads finished so far: every `backupEvery`-th lands in backup storage. */
  protected uploads = 0;

  constructor(
    protected readonly store: ObservedStore<TTask>,
    protected readonly sender: CallbackSender,
  ) {}

  reset(): void {
    this.tracks.clear();
    this.uploads = 0;
  }

  /** One observation pass; true while some recorder still has events to come. */
  pass(since: number): boolean {
    this.store.refresh();
    const now = this.store.now();
    let pending = false;
    for (const [id, task] of this.store.tasks) {
      let tr = this.tracks.get(id);
      if (!tr) {
        tr = this.newTrack(task, since);
        this.tracks.set(id, tr);
      }
      if (tr.done) continue;
      for (const message of this.eventsDue(task, tr, now)) this.sender.send(message);
      if (!tr.done) pending = true;
    }
    return pending;
  }

  /** The track of a recorder seen for the first time; one that started before `since` is done already. */
  protected abstract newTrack(task: TTask, since: number): TTrack;

  /** The callbacks due for this recorder by `now` that were not sent yet, in the order to send them. */
  protected abstract eventsDue(task: TTask, tr: TTrack, now: number): Outgoing[];
}
