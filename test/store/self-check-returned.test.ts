import { afterEach, expect, test } from '@jest/globals';
import { createRepositories, openDatabase } from '../../src/store';
import { cipherFor } from '../../src/store/crypto';
import { testSettings } from '../helpers/settings';
import { tempDbFile } from '../helpers/temp-db';

const settings = testSettings({ promptDays: [1] });
const t = tempDbFile();
afterEach(() => t.cleanup());

/** add() builds the new self-check from what it inserted instead of reading it back: it must equal the stored row. */
test('a newly added self-check is returned exactly as it reads back, note decrypted and skipped ratings absent', () => {
  const db = openDatabase(t.file);
  const repos = createRepositories(db, undefined, cipherFor(Buffer.alloc(32, 7).toString('base64')));
  const coach = repos.coaches.upsert({ platform: 'slack', tenant: 'T1', user: 'U1' }, settings);
  const added = repos.selfChecks.add({
    coachId: coach.id,
    checkedAt: '2026-11-24T09:00:00.000Z',
    localDate: '2026-11-24',
    ratings: { context: 4, respect: 2, openness: undefined },
    note: 'private words',
    requestKey: 'slack:command:t1',
  });
  expect(added.created).toBe(true);
  expect(added.check).toEqual(repos.selfChecks.recent(coach.id, 1)[0]);
  expect(Object.keys(added.check.ratings)).toEqual(['context', 'respect']);
  const again = repos.selfChecks.add({ ...added.check, requestKey: 'slack:command:t1' });
  expect(again).toEqual({ check: added.check, created: false });
  db.close();
});
