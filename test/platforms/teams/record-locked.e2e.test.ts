import Database from 'better-sqlite3';
import { personalMessage } from './harness';
import { useTeams } from './use-teams';

/**
 * The ids of a turn's replies are recorded (so a delete can remove them) through the group commit: while another
 * process holds the database's write lock the record waits for it instead of being dropped. It used to be a write
 * of its own, refused after the 5 ms busy timeout and swallowed, so that reply could never be deleted.
 */
describe('Teams: a reply sent while another process holds the lock is still recorded', () => {
  const t = useTeams();

  const recorded = () =>
    (
      t.teams.app.db.prepare('SELECT count(*) AS n FROM platform_messages WHERE user_id = ?').get('aad-lock1') as {
        n: number;
      }
    ).n;

  test('the record waits for the lock and is stored once it is free', async () => {
    expect((await t.teams.post(personalMessage(t.connector.url, 'lock1', 'help'))).status).toBe(200);
    const before = recorded();
    expect(before).toBeGreaterThan(0);

    const repliesBefore = t.connector.answered;
    const other = new Database(t.dbFile);
    other.exec('BEGIN IMMEDIATE');
    let answered = false;
    // `history` only reads: it is answered from the last committed state while the lock is held.
    const turn = t.teams.post(personalMessage(t.connector.url, 'lock1', 'history')).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.connector.answered).toBeGreaterThan(repliesBefore);
    // The turn ends once its record is stored: still waiting for the lock.
    expect(answered).toBe(false);
    other.exec('ROLLBACK');
    other.close();
    expect((await turn).status).toBe(200);
    expect(recorded()).toBe(before + 1);
    expect(t.teams.logLines.join('\n')).not.toContain('sent activity not recorded');
  });
});
