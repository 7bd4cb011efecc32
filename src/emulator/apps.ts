/** The gateway's answer for an App ID that is invalid or doesn't have cloud recording enabled (spec §7.1). */
export const INVALID_APP_MESSAGE = 'appid is invalid';

/**
 * App IDs the gateway rejects. The ones given at startup (`invalidAppIds`) are configuration and survive a
 * reset; the control API can mark and unmark App IDs at run time.
 */
export class InvalidApps {
  private readonly ids: Set<string>;

  constructor(private readonly configured: readonly string[]) {
    this.ids = new Set(configured);
  }

  has(appId: string): boolean {
    return this.ids.has(appId);
  }

  mark(appId: string): void {
    this.ids.add(appId);
  }

  unmark(appId: string): void {
    this.ids.delete(appId);
  }

  list(): string[] {
    return [...this.ids].sort();
  }

  reset(): void {
    this.ids.clear();
    for (const id of this.configured) this.ids.add(id);
  }
}
