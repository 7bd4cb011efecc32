/**
 * Event ids this replica has already delivered, bounded (least recently seen goes first). Best
 * effort: another replica or a restart forgets, and then the workflow's own dedupe by eventId
 * decides. An id is remembered only after its signal succeeded, so a failed delivery is retried
 * in full when the vendor resends.
 */
export class RecentEvents {
  private readonly seen = new Map<string, true>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    if (!this.seen.has(id)) return false;
    // Refresh its place: a key the vendor keeps resending stays remembered.
    this.seen.delete(id);
    this.seen.set(id, true);
    return true;
  }

  add(id: string): void {
    if (this.capacity === 0) return;
    this.seen.delete(id);
    this.seen.set(id, true);
    while (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
  }

  get size(): number {
    return this.seen.size;
  }
}
