import { CoachTurn } from '../../src/core/coach-turn';
import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import type { RequestContext } from '../../src/core/trellis';
import { makeTrellis } from '../helpers/trellis';

const me: CoachRef = { platform: 'teams', tenant: 't1', user: 'ana' };
const other: CoachRef = { platform: 'teams', tenant: 't1', user: 'bo' };

/** A turn's coach is looked up once and passed down (src/core/coach-turn.ts); every write in the turn is seen. */
describe('one turn, one lookup of the coach', () => {
  let t: ReturnType<typeof makeTrellis>;
  beforeEach(() => {
    t = makeTrellis('2026-11-24T09:00:00Z');
  });
  afterEach(() => t.close());

  /** Changes the coach's row behind the core's back, as another process would: only a fresh read sees it. */
  const renameInDb = (ref: CoachRef, name: string) =>
    t.db.prepare('UPDATE coaches SET display_name = ? WHERE user_id = ?').run(name, ref.user);

  it("reads the coach's row once a turn: later lookups in the turn are handed the coach it registered", () => {
    const ctx: RequestContext = { displayName: 'Ana', turn: new CoachTurn() };
    const first = t.trellis.coach(me, ctx);
    renameInDb(me, 'changed elsewhere');
    expect(t.trellis.coach(me, ctx)).toBe(first);
    expect(t.trellis.knows(me, ctx)).toBe(true);
    // Without a turn (Slack, the terminal) and in the next turn, every lookup reads.
    expect(t.trellis.coach(me, { displayName: 'Ana' }).displayName).toBe('Ana');
    renameInDb(me, 'changed elsewhere');
    expect(t.trellis.coach(me, { turn: new CoachTurn() }).displayName).toBe('changed elsewhere');
  });

  it('holds one coach: another coach in the same context is looked up on its own', () => {
    const ctx: RequestContext = { turn: new CoachTurn() };
    const ana = t.trellis.coach(me, ctx);
    const bo = t.trellis.coach(other, ctx);
    expect(bo.id).not.toBe(ana.id);
    expect(t.trellis.coach(other, ctx)).toBe(bo);
    expect(t.trellis.knows({ ...me, tenant: 't2' }, ctx)).toBe(false);
  });

  it('a settings change in the turn is seen by the lookups after it', () => {
    const ctx: RequestContext = { turn: new CoachTurn() };
    expect(t.trellis.coach(me, ctx).settings.timeZone).toBe('UTC');
    t.trellis.handleText(me, 'settings tz Europe/Paris', ctx);
    expect(t.trellis.coach(me, ctx).settings.timeZone).toBe('Europe/Paris');
    const saved = t.trellis.updateSettings(me, { ...t.trellis.coach(me, ctx).settings, promptTime: '07:15' }, ctx);
    expect(saved.settings.promptTime).toBe('07:15');
    expect(t.trellis.coach(me, ctx).settings.promptTime).toBe('07:15');
  });

  it('a typed delete in the turn is flagged, and the row asked about afresh says it went', () => {
    const turn = new CoachTurn();
    const ctx: RequestContext = { turn };
    t.trellis.handleText(me, '/selfcheck 4 3 5 4 4 2', ctx);
    expect(turn.deleteRan).toBe(false);
    expect(t.trellis.knows(me, ctx)).toBe(true);
    const reply = t.trellis.handleText(me, 'delete confirm', ctx);
    expect(reply.type === 'messages' && toPlainText(reply.messages[0])).toContain('Deleted: 1 self-check');
    expect(turn.deleteRan).toBe(true);
    expect(t.trellis.knows(me, ctx)).toBe(false);
  });

  it('the welcome: owed once, recorded, then not owed again in the same turn or after', () => {
    const ctx: RequestContext = { turn: new CoachTurn() };
    t.trellis.handleText(me, '/selfcheck 4 3 5 4 4 2', ctx);
    expect(t.trellis.welcome.once(me, ctx)?.title).toBe('Welcome to Trellis');
    expect(t.repos.coaches.find(me)?.welcomedAt).not.toBeNull();
    expect(t.trellis.coach(me, ctx).welcomedAt).not.toBeNull();
    expect(t.trellis.welcome.once(me, ctx)).toBeUndefined();
    // The next turn's lookup holds a welcomed coach: the welcome is not asked about again.
    const next: RequestContext = { turn: new CoachTurn() };
    t.trellis.handleText(me, '/selfcheck 4 3 5 4 4 2', next);
    t.db.prepare('UPDATE coaches SET welcomed_at = NULL WHERE user_id = ?').run(me.user);
    expect(t.trellis.welcome.once(me, next)).toBeUndefined();
    // Without a turn the column is read: the welcome (its mark cleared behind the core's back above) is owed again.
    expect(t.trellis.welcome.once(me, {})?.title).toBe('Welcome to Trellis');
  });
});
