/**
 * A recording's request checked outside the workflow sandbox: a local activity on the workflow
 * worker. Inside the sandbox every cached recording would build its own copy of every provider's
 * request schemas (about 2 MiB each; docs/benchmarks.md, "cache-cost"); here they are built once
 * per process. The answer, the parsed request, is recorded in the history.
 */
import { formatIssues } from './contract/input-errors';
import { recordingRequestSchema, type RecordingInput } from './providers/catalog';

export type CheckedInput = { input: RecordingInput } | { invalid: string };

export const inputActivities = {
  async checkRecordingInput(input: unknown): Promise<CheckedInput> {
    const r = recordingRequestSchema.safeParse(input);
    return r.success ? { input: r.data } : { invalid: formatIssues(r.error, 'input') };
  },
};

export type InputActivities = typeof inputActivities;
