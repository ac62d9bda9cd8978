/** Tests compile as CommonJS through ts-jest; each file gets its own temp database. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // Checks everything each test file sent to the fake Slack and Bot Connector against the vendors' rules.
  setupFilesAfterEnv: ['<rootDir>/test/conformance/after-each-file.ts'],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
