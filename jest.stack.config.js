/**
 * The stack tests (npm run test:stack): a real Temporal cluster on PostgreSQL started with
 * `npm run stack` in its own data directory and ports. Kept out of `npm test` because the first
 * run builds the Temporal server from its Go module (minutes) and each run starts a cluster.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/stack'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testTimeout: 600_000,
  maxWorkers: 1,
};
