/**
 * The identity pool: which identity (uid, robot UserId) each recorder attempt uses. Lane l owns
 * identities 2l and 2l+1 and alternates between them on every switch, so a recorder that may
 * still linger never meets its successor's identity (the vendors' "same identity kicks the other"
 * rule), and no two lanes ever share one.
 */

export function identityFor(pool: readonly string[], lane: number, switches: number): string {
  const own = pool.slice(2 * lane, 2 * lane + 2);
  if (own.length < 2) throw new RangeError(`identities: lane ${lane} needs 2 identities of its own; the pool has ${pool.length}`);
  return own[switches % 2];
}
