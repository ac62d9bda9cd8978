import { createRepositories } from '../../src/store';
import { EMAILS_REMEMBERED } from '../../src/store/sessions';
import { useTempDatabase } from '../helpers/temp-database';

/**
 * The journey repository remembers the email it last wrote per coach, so an unchanged one writes nothing. That memory
 * is bounded (the most recently used): a server seeing a new coach per request no longer keeps every one for its life.
 * Observable from outside: an email changed behind the process is written again only once its coach was let go.
 */
describe('emails remembered per coach', () => {
  const temp = useTempDatabase();

  it('keeps the most recently used coaches up to its bound, and writes a let-go coach’s email again', () => {
    const { journey } = createRepositories(temp.db, () => new Date('2026-11-24T09:00:00Z'));
    const n = EMAILS_REMEMBERED + 1;
    temp.db.transaction(() => {
      const add = temp.db.prepare(
        "INSERT INTO coaches (id, platform, tenant, user_id, created_at) VALUES (?, 'slack', 'T1', ?, '2026-11-24')",
      );
      for (let id = 1; id <= n + 1; id++) add.run(id, `U${id}`);
    })();
    const stored = (id: number) => temp.db.prepare('SELECT email FROM coach_emails WHERE coach_id = ?').pluck().get(id);
    const behindItsBack = (id: number) =>
      temp.db.prepare("UPDATE coach_emails SET email = 'changed@example.com' WHERE coach_id = ?").run(id);

    journey.rememberEmail(1, 'one@example.com');
    journey.rememberEmail(2, 'two@example.com');
    behindItsBack(1);
    behindItsBack(2);
    journey.rememberEmail(1, 'one@example.com'); // remembered: nothing written, and coach 1 is now the most recent
    expect(stored(1)).toBe('changed@example.com');
    temp.db.transaction(() => {
      for (let id = 3; id <= n; id++) journey.rememberEmail(id, `c${id}@example.com`);
    })();
    // One over the bound: coach 2, the least recently used, was let go; coach 1 was not.
    journey.rememberEmail(1, 'one@example.com');
    expect(stored(1)).toBe('changed@example.com');
    journey.rememberEmail(2, 'two@example.com');
    expect(stored(2)).toBe('two@example.com');
  });
});
