import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SlackHarness } from '../../helpers/slack-harness';
import { addReflection } from '../../helpers/weekly';

const TEAM = 'T0TEAM';
const CHANNEL = 'C0PEERS';

/** Export to the DM, the delete question's buttons and "Keep it private", over signed HTTP against the fake Slack. */
describe('Slack: export files, confirm_delete and cancel', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const refOf = (user: string) => ({ platform: 'slack' as const, tenant: TEAM, user });
  /** Rows that mention the coach, table by table (everything with a coach_id column, and the coach row). */
  const rowsAbout = (coachId: number) => {
    const tables = h.ctx.db
      .prepare<[], { name: string }>(
        "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'coach_id' AND m.name <> 'audit_log'",
      )
      .all()
      .map((t) => t.name);
    const counts: Record<string, number> = {
      coaches: (h.ctx.db.prepare('SELECT COUNT(*) AS n FROM coaches WHERE id = ?').get(coachId) as { n: number }).n,
    };
    for (const table of tables) {
      counts[table] = (
        h.ctx.db.prepare(`SELECT COUNT(*) AS n FROM "${table}" WHERE coach_id = ?`).get(coachId) as { n: number }
      ).n;
    }
    return counts;
  };
  /** The answer a coach sees: what came back through the response_url of this trigger. */
  const answerTo = (triggerId: string) =>
    h
      .responses(triggerId)
      .map((r) => JSON.stringify(r.body))
      .join('\n');

  test('/selfcheck export uploads the JSON and CSV files into the DM and answers ephemerally; no note in logs', async () => {
    const note = 'NOTE-MARKER-7f3a quiet client';
    const checked = await h.command('U5EXP', `4 3 5 4 4 2 "${note}"`);
    await h.idle();
    expect(String(checked.response.json?.text)).toContain('saved');
    const coach = h.ctx.repos.coaches.find(refOf('U5EXP'))!;
    addReflection(h.ctx.repos, coach, '2026-11-24', 'REFLECTION-MARKER-91c2 I stayed with the silence.');

    h.fake.clear();
    // Typed in a channel: the files still go only to the coach's DM.
    const { response, triggerId } = await h.command('U5EXP', 'export', { channel: CHANNEL });
    expect(response.status).toBe(200);
    await h.idle();

    expect(h.calls('conversations.open').map((c) => c.body.users)).toEqual(['U5EXP']);
    const uploads = h.fake.calls.filter((c) => c.method.startsWith('upload/'));
    expect(uploads).toHaveLength(5);
    const requested = h.calls('files.getUploadURLExternal').map((c) => String(c.body.filename));
    expect(requested.some((f) => /^trellis-export-.*\.json$/.test(f))).toBe(true);
    expect(requested.some((f) => /^trellis-self-checks-.*\.csv$/.test(f))).toBe(true);
    const raw = uploads.map((u) => u.raw ?? '').join('\n');
    expect(raw).toContain(note); // in the JSON and the self-checks CSV
    expect(raw).toContain('REFLECTION-MARKER-91c2');
    expect(raw).toMatch(/context,respect,talents,empathy,feelings,openness/);
    const completed = h.calls('files.completeUploadExternal');
    expect(completed).toHaveLength(1);
    expect(completed[0].body.channel_id).toBe('D5EXP');
    expect(completed[0].body.files).toHaveLength(5);
    expect(JSON.stringify(completed[0].body)).not.toContain(note);
    // Nothing was posted to the channel.
    expect(h.calls('chat.postMessage').filter((c) => c.body.channel === CHANNEL)).toHaveLength(0);

    const [answer] = h.responses(triggerId);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(String(answer.body.text)).toContain('files');
    expect(String(answer.body.text)).toContain('are in our direct messages');
    expect(String(answer.body.text)).not.toContain(note);

    const log = h.logLines.join('\n');
    expect(log).toContain('slack export delivered');
    expect(log).not.toContain('NOTE-MARKER-7f3a');
    expect(log).not.toContain('REFLECTION-MARKER-91c2');
  });

  test('"export" typed in the DM: the message in the DM, then its files uploaded there', async () => {
    h.fake.clear();
    await h.dm('U5EXP', 'export');
    await h.idle();
    const texts = h.dmTexts('U5EXP');
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Your export');
    const completed = h.calls('files.completeUploadExternal');
    expect(completed).toHaveLength(1);
    expect(completed[0].body.channel_id).toBe('D5EXP');
    expect(
      h.fake.calls
        .filter((c) => c.method.startsWith('upload/'))
        .map((u) => u.raw ?? '')
        .join(),
    ).toContain('NOTE-MARKER-7f3a');
    expect(h.logLines.join('\n')).not.toContain('NOTE-MARKER-7f3a');
  });

  test('a refused upload is reported to the coach; nothing is completed', async () => {
    h.fake.clear();
    h.fake.respondOnce('files.getUploadURLExternal', { json: { ok: false, error: 'missing_scope' } });
    const { triggerId } = await h.command('U5EXP', 'export');
    await h.idle();
    expect(h.calls('files.completeUploadExternal')).toHaveLength(0);
    expect(answerTo(triggerId)).toContain('Slack did not accept the export files');
    expect(h.logLines.some((l) => l.includes('slack export upload failed') && l.includes('missing_scope'))).toBe(true);
  });

  test('Cancel on the delete question deletes nothing; Delete everything removes every row about the coach', async () => {
    await h.command('U6DEL', '2 3 4 5 4 3 "private words"');
    await h.dm('U6DEL', 'prompt');
    await h.idle();
    const coach = h.ctx.repos.coaches.find(refOf('U6DEL'))!;
    addReflection(h.ctx.repos, coach, '2026-11-24', 'A reflection to be deleted.');
    const before = rowsAbout(coach.id);
    expect(before.coaches).toBe(1);
    expect(before.self_checks).toBe(1);
    expect(before.reflections).toBe(1);
    expect(before.prompt_issues).toBe(1);

    const asked = await h.command('U6DEL', 'delete');
    await h.idle();
    const question = [JSON.stringify(asked.response.json ?? {}), answerTo(asked.triggerId)].join('\n');
    expect(question).toContain('"action_id":"confirm_delete"');
    expect(question).toContain('"action_id":"cancel"');

    const cancelled = await h.button('U6DEL', 'cancel', 'delete');
    expect(cancelled.response.status).toBe(200);
    await h.idle();
    const [cancelAnswer] = h.responses(cancelled.triggerId);
    expect(String(cancelAnswer.body.text)).toBe('Nothing was deleted.');
    expect(cancelAnswer.body.replace_original).toBe(true);
    expect(rowsAbout(coach.id)).toEqual(before);

    const confirmed = await h.button('U6DEL', 'confirm_delete', 'delete');
    expect(confirmed.response.status).toBe(200);
    await h.idle();
    const [deleted] = h.responses(confirmed.triggerId);
    expect(String(deleted.body.text)).toContain('Deleted: 1 self-check, 1 reflection, 1 prompt');
    expect(deleted.body.replace_original).toBe(true);
    // Really gone: no coach row, and no row in any table that refers to one.
    const after = rowsAbout(coach.id);
    expect(Object.values(after).every((n) => n === 0)).toBe(true);
    expect(h.ctx.repos.coaches.find(refOf('U6DEL'))).toBeUndefined();
    expect(h.ctx.db.prepare("SELECT COUNT(*) AS n FROM self_checks WHERE note = 'private words'").get()).toEqual({
      n: 0,
    });

    // Pressing it again (a double click, a retry) finds nothing and creates nothing.
    const again = await h.button('U6DEL', 'confirm_delete', 'delete');
    await h.idle();
    expect(answerTo(again.triggerId)).toContain('there was nothing to delete');
    expect(h.ctx.repos.coaches.find(refOf('U6DEL'))).toBeUndefined();
  });

  test('without a response_url the answer goes to the conversation, and the deleted coach is not registered again', async () => {
    await h.command('U6NORU', '3 3 3 3 3 3');
    await h.idle();
    expect(h.ctx.repos.coaches.find(refOf('U6NORU'))).toBeDefined();
    h.fake.clear();
    await h.button('U6NORU', 'confirm_delete', 'delete', { responseUrl: false });
    await h.idle();
    // The welcome DM was Trellis's one message in the chat: its removal runs to the end, then says so.
    await h.removals();
    await h.idle();
    const posted = h.calls('chat.postMessage');
    // The answer; then the removal's count.
    expect(posted).toHaveLength(2);
    expect(posted.map((p) => p.body.channel)).toEqual(['D6NORU', 'D6NORU']);
    expect(String(posted[0].body.text)).toContain('Deleted: 1 self-check');
    expect(String(posted[1].body.text)).toContain('Trellis removed 1 of its messages');
    expect(h.ctx.repos.coaches.find(refOf('U6NORU'))).toBeUndefined();
  });

  test('"delete confirm" typed in the DM deletes, answers in the DM, and does not register the coach again', async () => {
    await h.command('U6TYPED', '3 3 3 3 3 3 typed-delete-note');
    await h.idle();
    expect(h.ctx.repos.coaches.find(refOf('U6TYPED'))).toBeDefined();
    await h.dm('U6TYPED', 'delete confirm');
    await h.idle();
    const texts = h.dmTexts('U6TYPED');
    // The answer; the removal of Trellis's messages there (the welcome) reports after it.
    expect(texts.some((t) => t.includes('Deleted: 1 self-check'))).toBe(true);
    expect(texts.findIndex((t) => t.includes('Deleted: 1 self-check'))).toBeLessThan(texts.length);
    expect(h.ctx.repos.coaches.find(refOf('U6TYPED'))).toBeUndefined();
    expect(h.ctx.db.prepare("SELECT COUNT(*) AS n FROM self_checks WHERE note = 'typed-delete-note'").get()).toEqual({
      n: 0,
    });
  });

  test('"Keep it private" on a share preview shares nothing and says so', async () => {
    for (const user of ['U7LEAD', 'U7PEER']) {
      const sent = await h.command(user, user === 'U7LEAD' ? 'digest here' : 'group join', { channel: CHANNEL });
      await h.idle();
      expect(answerTo(sent.triggerId) + JSON.stringify(sent.response.json ?? {})).toMatch(/peer-supervision|joined/);
    }
    await h.command('U7LEAD', 'group join', { channel: CHANNEL });
    await h.idle();
    const lead = h.ctx.repos.coaches.find(refOf('U7LEAD'))!;
    const reflection = addReflection(h.ctx.repos, lead, '2026-11-24', 'I noticed my own hurry.');
    const preview = await h.command('U7LEAD', 'share');
    await h.idle();
    const shown = [JSON.stringify(preview.response.json ?? {}), answerTo(preview.triggerId)].join('\n');
    expect(shown).toContain('Keep it private');
    expect(shown).toContain(`"value":"${reflection.id}"`);

    const kept = await h.button('U7LEAD', 'cancel', String(reflection.id));
    await h.idle();
    expect(answerTo(kept.triggerId)).toContain(
      'Nothing was shared. Your group does not see the reflection unless you share it.',
    );
    expect(h.ctx.repos.sharedReflections.groupsSharedWith(reflection.id)).toEqual([]);
  });

  test('/selfcheck digest here, group join and leave typed in a channel get the core answers, not a self-check', async () => {
    const channel = 'C0SUPERVISE';
    const answer = async (user: string, text: string, where = channel) => {
      const sent = await h.command(user, text, { channel: where });
      await h.idle();
      return [JSON.stringify(sent.response.json ?? {}), answerTo(sent.triggerId)].join('\n');
    };
    expect(await answer('U8LEAD', 'digest here')).toContain(
      'This channel is now a peer-supervision channel: the digest comes every Monday at 09:00',
    );
    const group = h.ctx.repos.groups.find('slack', TEAM, channel)!;
    expect(group).toMatchObject({ name: 'peer-supervision', digestWeekday: 1, digestTime: '09:00' });
    const lead = h.ctx.repos.coaches.find(refOf('U8LEAD'))!;
    expect(h.ctx.repos.selfChecks.count(lead.id)).toBe(0);

    expect(await answer('U8PEER', 'group join')).toContain('You joined #peer-supervision.');
    expect(await answer('U8PEER', 'group join')).toContain('You are already in #peer-supervision.');
    expect(await answer('U8PEER', 'group leave')).toContain('You left #peer-supervision.');
    expect(h.ctx.repos.groups.memberCount(group.id)).toBe(0);
    // Typed in the DM (a D channel id) they say where to type them instead.
    expect(await answer('U8PEER', 'digest here', 'D8PEER')).toContain(
      'in the channel that should get the weekly digest',
    );
    expect(await answer('U8PEER', 'group join', 'D8PEER')).toContain('not in a direct message');
  });
});
