/**
 * Serialises vendor updates to one recorder: the vendor asks to wait for each update's answer
 * before sending the next (spec §4.4), and update handlers may run concurrently.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
