import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import type { GroupCommit } from '../../../src/store';
import { SIGNING_SECRET, SlackHarness, TEAM } from '../../helpers/slack-harness';
import { slackSignatureHeaders, slashCommandBody } from '../../helpers/slack-signing';
import { waitFor } from '../../helpers/wait-for';

/** A signed slash command as raw HTTP/1.1, so many can be written to the server in the same instant. */
function rawCommand(host: string, user: string, text: string, triggerId: string, timestamp: number): string {
  const body = slashCommandBody({ text, user, team: TEAM, triggerId, responseUrl: 'http://127.0.0.1:9/unused' });
  const headers = slackSignatureHeaders(SIGNING_SECRET, body, timestamp);
  return [
    'POST /slack/events HTTP/1.1',
    `host: ${host}`,
    'content-type: application/x-www-form-urlencoded',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-slack-signature: ${headers['x-slack-signature']}`,
    `x-slack-request-timestamp: ${headers['x-slack-request-timestamp']}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Quick check-ins over real signed HTTP go through the group commit, and each is acked only once committed. */
describe('Slack quick check-ins and group commit', () => {
  const h = new SlackHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  test('twenty at once: every ack says saved, and its row is already readable by another connection', async () => {
    const coach = 'U0GROUP';
    // First contact looks the coach up in Slack; after that the answer goes in the ack itself.
    await h.command(coach, 'help');
    await h.idle();
    const stats = (h.ctx.commits as GroupCommit).stats;
    const committedBefore = stats.committed;
    const { host, hostname, port } = new URL(h.url);
    const sockets = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<net.Socket>((resolve, reject) => {
            const socket = net.connect(Number(port), hostname, () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    const observer = new Database(h.ctx.db.name, { readonly: true });
    const storedAtAck: boolean[] = [];
    try {
      // Every connection is open: write all twenty requests in one go, as a burst of coaches would.
      const answers = sockets.map((socket, i) => {
        const triggerId = `trig.group.${i}`;
        const answer = new Promise<string>((resolve, reject) => {
          let text = '';
          socket.setEncoding('utf8');
          socket.on('data', (chunk: string) => {
            // The moment the ack arrives, the row must already be committed.
            if (text === '') {
              storedAtAck.push(
                observer
                  .prepare('SELECT count(*) FROM self_checks WHERE request_key = ?')
                  .pluck()
                  .get(`slack:command:${triggerId}`) === 1,
              );
            }
            text += chunk;
          });
          socket.once('end', () => resolve(text));
          socket.once('error', reject);
        });
        socket.write(rawCommand(host, coach, `${(i % 5) + 1} 3 5 4 4 2`, triggerId, h.nowSeconds()));
        return answer;
      });
      for (const answer of await Promise.all(answers)) {
        expect(answer).toMatch(/^HTTP\/1\.1 200/);
        expect(answer).toMatch(/Thanks, your self-check is saved/);
      }
    } finally {
      observer.close();
      for (const socket of sockets) socket.destroy();
    }
    expect(storedAtAck).toEqual(Array(20).fill(true));
    expect(h.ctx.repos.selfChecks.count()).toBe(20);
    // Each acknowledged check-in went through the group commit (the sharing itself: test/store/group-commit.test.ts).
    expect(stats.committed - committedBefore).toBe(20);
  });

  test('a retry with the same trigger id arriving alongside records once, and both acks say saved', async () => {
    const coach = 'U0GROUP';
    const before = h.ctx.repos.selfChecks.count();
    const [first, retry] = await Promise.all([
      h.command(coach, '2 2 2 2 2 2', { triggerId: 'trig.same' }),
      h.command(coach, '2 2 2 2 2 2', { triggerId: 'trig.same' }),
    ]);
    expect(String(first.response.json?.text)).toMatch(/saved/);
    expect(String(retry.response.json?.text)).toMatch(/saved/);
    expect(h.ctx.repos.selfChecks.count()).toBe(before + 1);
  });

  test('/selfcheck delete confirm runs through the group commit too: everything goes, the WAL is checkpointed after', async () => {
    const coach = 'U0GROUP';
    const checks = h.ctx.repos.selfChecks.count();
    expect(checks).toBeGreaterThan(0);
    // The welcome DM is Trellis's one message in this coach's chat; its removal (queued by the delete) writes after
    // the checkpoint. Out of the way first, so the WAL stays as the deletion's checkpoint left it.
    const stored = h.ctx.repos.coaches.find({ platform: 'slack', tenant: TEAM, user: coach })!;
    h.ctx.db.prepare("DELETE FROM platform_messages WHERE user_id = ? AND kind = 'message'").run(stored.user);
    const { response } = await h.command(coach, 'delete confirm');
    expect(String(response.json?.text)).toContain(`Deleted: ${checks} self-checks`);
    expect(h.ctx.repos.selfChecks.count()).toBe(0);
    // SQLite cannot checkpoint inside the batch's transaction; the deletion's checkpoint runs right after its COMMIT.
    await waitFor(() => fs.statSync(`${h.ctx.db.name}-wal`).size === 0, 'the WAL to be truncated after the deletion');
  });
});
