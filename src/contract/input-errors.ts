/**
 * How bad input is reported, and the identity rule, without zod: the workflow sandbox imports this
 * module and must not build schemas it does not use (docs/benchmarks.md, "cache-cost").
 * ./request re-exports all of it beside the request schemas.
 */
import type { z } from 'zod';

/** Two identities per lane: a lane alternates between its own two, so it never meets another lane's. */
export const identitiesNeeded = (lanes: number): number => 2 * lanes;

/** One readable line per problem, naming the field: "channel: must be shorter than 64 bytes". */
export function formatIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((i) => {
      const field = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
      return `${field || '(input)'}: ${i.message}`;
    })
    .join('; ');
}

export class InvalidInputError extends Error {
  constructor(readonly issues: string) {
    super(`invalid input: ${issues}`);
    this.name = 'InvalidInputError';
  }
}
