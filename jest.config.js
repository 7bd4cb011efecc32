/** Tests run against real parts: the Temporal CLI dev server (started once in globalSetup) and the emulator. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/stack runs a real cluster on PostgreSQL: npm run test:stack (jest.stack.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/stack/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};
