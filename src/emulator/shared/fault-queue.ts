/** What the queue needs of a vendor's fault spec: which operation it hits, how often, and whom (all given keys must match). */
export interface FaultSpecBase {
  op: string;
  times: number;
  match?: object;
}

export type Queued<S extends FaultSpecBase> = S & { id: number; remaining: number };

/** What a request offers to match against: a value for every key a fault's `match` may name. */
export type FaultTarget<S extends FaultSpecBase> = Record<keyof NonNullable<S['match']>, unknown>;

/** FIFO queue: the oldest fault matching a request fires and loses one of its `times`. */
export class FaultQueue<S extends FaultSpecBase> {
  private faults: Queued<S>[] = [];
  private nextId = 1;

  add(spec: S): Queued<S> {
    const fault: Queued<S> = { ...spec, id: this.nextId++, remaining: spec.times };
    this.faults.push(fault);
    return fault;
  }

  take(op: Exclude<S['op'], '*'>, target: FaultTarget<S>): Queued<S> | undefined {
    const fault = this.faults.find(
      (f) =>
        (f.op === '*' || f.op === op) &&
        Object.entries(f.match ?? {}).every(([key, want]) => want === undefined || want === (target as Record<string, unknown>)[key]),
    );
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  list(): Queued<S>[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }
}
