import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createScheduler } from '../../../src/schedule';
import { SlackHarness } from '../../helpers/slack-harness';

const TEAM = 'T0TEAM';
const CHANNEL = 'C0PEERS';
const WHO = 'U7ALL';
const DM = 'D7ALL';
const PEERS = ['U7PEER1', 'U7PEER2', 'U7PEER3', 'U7PEER4'];

/**
 * A coach who did everything Trellis offers deletes their data; afterwards no text column of any table names their
 * user id, and their DM's id survives only in the removal Slack refused (kept, without them, for the admin).
 */
describe('Slack: after Delete everything no row names the coach', () => {
  const h = new SlackHarness({ start: '2027-01-06T10:00:00Z' });
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  /** Every row of every table whose text in any column contains `value`, as `table.column`. */
  const columnsNaming = (value: string) => {
    const tables = h.ctx.db
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all();
    const found: string[] = [];
    for (const table of tables) {
      for (const { name } of h.ctx.db.pragma(`table_info("${table}")`) as { name: string }[]) {
        const n = h.ctx.db
          .prepare<[string], number>(`SELECT count(*) FROM "${table}" WHERE instr(CAST("${name}" AS TEXT), ?) > 0`)
          .pluck()
          .get(value) as number;
        for (let i = 0; i < n; i++) found.push(`${table}.${name}`);
      }
    }
    return found;
  };
  const settled = async () => {
    await h.idle();
  };

  test('check-ins, a shared reflection, a channel of their own, prompts, an export and a failed removal', async () => {
    await h.command(WHO, 'digest here', { channel: CHANNEL });
    for (const user of [WHO, ...PEERS]) {
      await h.command(user, 'group join', { channel: CHANNEL });
      await h.command(user, '4 4 4 4 4 4 "a private note"');
      await settled();
    }
    await h.dm(WHO, 'prompt');
    await settled();
    await h.dm(WHO, 'I stayed with the silence this time.');
    await settled();
    const coach = h.ctx.repos.coaches.find({ platform: 'slack', tenant: TEAM, user: WHO })!;
    const [reflection] = h.ctx.repos.reflections.recent(coach.id, 1);
    await h.command(WHO, `share confirm ${reflection.id}`);
    await h.dm(WHO, 'export');
    await settled();
    // Monday: the scheduler sends the day's prompts and the channel's digest.
    h.clock.set('2027-01-11T09:00:00Z');
    const scheduler = createScheduler(h.ctx, [h.slack.messenger], { sender: { maxWaitMs: 0 } });
    await scheduler.runDue(new Date('2027-01-11T09:00:00Z'));
    await scheduler.stop();
    expect(
      h.ctx.db.prepare('SELECT count(*) FROM deliveries WHERE coach_id = ?').pluck().get(coach.id),
    ).toBeGreaterThan(0);
    expect(
      h.ctx.db.prepare("SELECT count(*) FROM deliveries WHERE kind = 'digest' AND status = 'sent'").pluck().get(),
    ).toBe(1);
    expect(columnsNaming(WHO).length).toBeGreaterThan(0);

    // Slack refuses one of the removals for good.
    h.fake.respondOnce('chat.delete', { status: 200, json: { ok: false, error: 'cant_delete_message' } });
    const confirmed = await h.button(WHO, 'confirm_delete', 'delete');
    await settled();
    const answer = String(h.responses(confirmed.triggerId)[0].body.text);
    expect(answer).toContain("Trellis's database holds no more data about you");
    expect(answer).toContain('kept until they are removed');
    const summary = await h.removals();
    expect(summary.slack).toMatchObject({ failed: 1, reported: 1 });

    expect(columnsNaming(WHO)).toEqual([]);
    // The refused message's id stays, with its DM, so the admin can remove it by hand (npm run cli -- removals --failed).
    expect(columnsNaming(DM)).toEqual(['platform_messages.conversation']);
    expect(h.ctx.db.prepare('SELECT status, user_id FROM platform_messages WHERE conversation = ?').all(DM)).toEqual([
      { status: 'failed', user_id: null },
    ]);
    // The channel outlives its registering coach, naming nobody.
    expect(h.ctx.repos.groups.find('slack', TEAM, CHANNEL)?.createdBy).toBeNull();
  });
});
