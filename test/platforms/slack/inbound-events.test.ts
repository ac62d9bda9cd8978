import { afterAll, describe, expect, test } from '@jest/globals';
import { inboundEventRepository, openDatabase } from '../../../src/store';
import { tempDbFile } from '../../helpers/temp-db';

/** The event-id ledger that keeps Slack's retries from being handled twice (migration 7). */
describe('inbound events', () => {
  const tmp = tempDbFile();
  const db = openDatabase(tmp.file);
  const events = inboundEventRepository(db);
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 9, minute)).toISOString();

  test('an event id is claimed once; a retry while the first attempt may still run is refused', () => {
    expect(events.claim('slack', 'Ev1', at(0), at(-1))).toBe(true);
    expect(events.claim('slack', 'Ev1', at(0), at(-1))).toBe(false);
    expect(events.claim('teams', 'Ev1', at(0), at(-1))).toBe(true); // platforms do not collide
  });

  test('a finished event is never handled again, however late the retry', () => {
    events.finish('slack', 'Ev1', at(1));
    expect(events.claim('slack', 'Ev1', at(10), at(9))).toBe(false);
  });

  test('a claim left unfinished (the process died) is taken over once it is stale, and only once', () => {
    expect(events.claim('slack', 'Ev2', at(0), at(-1))).toBe(true);
    expect(events.claim('slack', 'Ev2', at(5), at(4))).toBe(true);
    expect(events.claim('slack', 'Ev2', at(5), at(4))).toBe(false);
  });

  test('purge forgets old events only', () => {
    expect(events.claim('slack', 'Ev3', at(30), at(29))).toBe(true);
    expect(events.purge(at(20))).toBe(3);
    expect(events.claim('slack', 'Ev3', at(31), at(30))).toBe(false);
    expect(events.claim('slack', 'Ev1', at(31), at(30))).toBe(true);
  });
});
