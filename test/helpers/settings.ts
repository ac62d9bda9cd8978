import type { Settings } from '../../src/core/model';

/**
 * A coach's settings for a test or a benchmark: weekdays at 09:00 UTC, no credential, no practice, not paused,
 * with `overrides` on top. A fixed literal, not the app's defaultSettings, so a test's schedule stays what it says.
 */
export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    promptTime: '09:00',
    promptDays: [1, 2, 3, 4, 5],
    timeZone: 'UTC',
    level: null,
    workingToward: null,
    practices: [],
    pausedUntil: null,
    ...overrides,
  };
}
