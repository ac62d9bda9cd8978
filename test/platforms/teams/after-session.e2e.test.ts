import { hookSignature, SESSION_HOOK_PATH } from '../../../src/http/session-hook';
import { createScheduler } from '../../../src/schedule';
import { FixedClock } from '../../helpers/clock';
import { activityText, cardOf, FakeBotConnector } from '../../helpers/fake-bot-connector';
import { tempDbFile } from '../../helpers/temp-db';
import { personalInstall, personalMessage, startTeams, TENANT } from './harness';

/**
 * The session-ended hook in Teams: the after-session card reaches the coach proactively through the outbox, its
 * button brings the session card filled in from the event, and submitting it logs the session.
 */
const SECRET = 'teams-hook-secret-0123456789';

describe('Teams after-session form', () => {
  test('hook → card in the personal chat → filled-in session card → logged', async () => {
    const connector = await new FakeBotConnector().start();
    const db = tempDbFile();
    const clock = new FixedClock('2026-11-24T09:00:00Z');
    const teams = await startTeams({ dbFile: db.file, clock, env: { TRELLIS_WEBHOOK_SECRET: SECRET } });
    try {
      await teams.post(personalInstall(connector.url, 'ada'));
      // Trellis knows a coach once they have written to it.
      await teams.post(personalMessage(connector.url, 'ada', 'history'));
      const body = JSON.stringify({
        coach: `teams:${TENANT}:aad-ada`,
        endedAt: '2026-11-24T08:58:00Z',
        minutes: 55,
        clientCode: 'T4',
      });
      const ts = String(Math.floor(clock.now().getTime() / 1000));
      const res = await fetch(teams.url.replace('/api/messages', SESSION_HOOK_PATH), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-trellis-timestamp': ts,
          'x-trellis-signature': hookSignature(SECRET, ts, body),
        },
        body,
      });
      expect(res.status).toBe(202);
      connector.clear();

      clock.set('2026-11-24T09:09:00Z');
      const scheduler = createScheduler(teams.app, [teams.teams.messenger], { sender: { maxWaitMs: 0 } });
      await scheduler.runDue(clock.now());
      await scheduler.runDue(new Date('2026-11-24T09:10:00Z'));
      const sent = connector.activities().filter((a) => activityText(a.body).includes('After your session'));
      expect(sent).toHaveLength(1);
      expect(activityText(sent[0].body)).toContain('(55 min, client T4)');
      const button = ((cardOf(sent[0].body)?.actions ?? []) as { data: Record<string, string> }[])[0].data;
      expect(button).toMatchObject({ trellisAction: 'open_session' });

      connector.clear();
      await teams.post(personalMessage(connector.url, 'ada', undefined, { value: button }));
      const card = cardOf(connector.activities()[0].body);
      const inputs = Object.fromEntries(
        ((card?.body ?? []) as { id?: string; value?: string }[]).filter((e) => e.id).map((e) => [e.id, e.value]),
      );
      expect(inputs).toMatchObject({ date: '2026-11-24', minutes: '55', clientCode: 'T4' });

      connector.clear();
      const submit = ((card?.actions ?? []) as { data: Record<string, string> }[])[0].data;
      await teams.post(
        personalMessage(connector.url, 'ada', undefined, {
          replyToId: 'card-1',
          value: { ...submit, ...inputs, 'observed_4.1': 'partly' },
        }),
      );
      expect(activityText(connector.activities()[0].body)).toContain('55 min · paid · individual · client T4');
      const coach = teams.app.repos.coaches.find({ platform: 'teams', tenant: TENANT, user: 'aad-ada' });
      expect(teams.app.repos.journey.sessions(coach?.id ?? 0)).toHaveLength(1);
    } finally {
      await teams.stop();
      await connector.stop();
      db.cleanup();
    }
  });
});
