/** `npm run check:browser` (scripts/check-browser.sh): the browser check alone, on the integration project's set-up. */
import base from './jest.config.js';

const { displayName: _, testPathIgnorePatterns: __, ...integration } = base.projects.find((p) => p.displayName === 'integration');

export default {
  ...integration,
  rootDir: '.',
  displayName: 'browser',
  testMatch: ['<rootDir>/test/browser/**/*.check.ts'],
  testTimeout: 180_000,
};
