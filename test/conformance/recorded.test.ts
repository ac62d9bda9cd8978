import { FakeBotConnector } from '../helpers/fake-bot-connector';
import { type SentPayload, takeSent } from '../helpers/sent-payloads';
import { SlackHarness } from '../helpers/slack-harness';
import { tempDbFile } from '../helpers/temp-db';
import { addCheck, ratings } from '../helpers/weekly';
import { personalInstall, personalMessage, startTeams, type TeamsHarness } from '../platforms/teams/harness';
import { checkSent } from './check-sent';

/**
 * A representative day on both platforms, through the real adapters against the fakes: what the fakes recorded
 * covers every surface (messages, modals, Home, cards, card updates, the chart) and all of it conforms. This also
 * proves the recording that after-each-file.ts relies on sees what is sent, and that a bad payload the fakes
 * receive is caught by the same check.
 */

const methods = (sent: SentPayload[], platform: SentPayload['platform']) =>
  new Set(sent.filter((s) => s.platform === platform).map((s) => s.method.replace(/^response\/.*/, 'response_url')));

describe('what the fakes recorded during a day on Slack and Teams', () => {
  const db = { slack: tempDbFile(), teams: tempDbFile() };
  let slack: SlackHarness;
  let teams: TeamsHarness;
  let connector: FakeBotConnector;

  beforeAll(async () => {
    slack = await new SlackHarness({ dbFile: db.slack.file }).start();
    connector = await new FakeBotConnector().start();
    teams = await startTeams({ dbFile: db.teams.file });
  });

  afterAll(async () => {
    await slack.stop();
    await teams.stop();
    await connector.stop();
    db.slack.cleanup();
    db.teams.cleanup();
  });

  test('Slack: commands, modals, buttons, the Home tab and the weekly summary all conform', async () => {
    takeSent();
    const coach = 'U9CONF';
    for (const typed of ['', '4 3 5 4 4 2 a note', 'help', 'history', 'trend', 'settings', 'summary', 'delete'])
      await slack.command(coach, typed);
    const { issue, reply } = slack.ctx.trellis.todaysPrompt({ platform: 'slack', tenant: 'T0TEAM', user: coach });
    const row = slack.ctx.trellis.coach({ platform: 'slack', tenant: 'T0TEAM', user: coach });
    await slack.slack.messenger.sendDirect(row, reply, `prompt:${row.id}:conformance`);
    await slack.button(coach, 'reflect', String(issue.id));
    await slack.event({ type: 'app_home_opened', user: coach, channel: 'D9CONF', tab: 'home', event_ts: '1.1' });
    addCheck(slack.ctx.repos, row, '2026-11-23', ratings(4));
    const summary = await slack.ctx.trellis.weeklySummaryFor(row.id, slack.clock.now());
    if (summary) await slack.slack.messenger.sendDirect(row, summary, `weekly:${row.id}:conformance`);
    await slack.idle();

    const sent = takeSent();
    expect([...methods(sent, 'slack')]).toEqual(
      expect.arrayContaining(['ack', 'views.open', 'views.publish', 'chat.postMessage']),
    );
    expect(checkSent(sent)).toEqual([]);
  });

  test('Teams: cards, a failed and a good submit (the card replaced), the prompt and the chart all conform', async () => {
    takeSent();
    const url = connector.url;
    await teams.post(personalInstall(url, 'conf'));
    for (const typed of ['selfcheck', 'help', 'history', 'trend', 'settings', 'prompt', 'delete', 'summary'])
      await teams.post(personalMessage(url, 'conf', typed));
    const submit = { trellisAction: 'selfcheck_submit' };
    await teams.post(personalMessage(url, 'conf', undefined, { replyToId: 'c1', value: { ...submit, context: '9' } }));
    await teams.post(personalMessage(url, 'conf', undefined, { replyToId: 'c2', value: { ...submit, context: '4' } }));
    await teams.post(personalMessage(url, 'conf', undefined, { value: { trellisAction: 'reflect', value: '1' } }));
    const ref = { platform: 'teams' as const, tenant: 'tenant-1', user: 'aad-conf' };
    const row = teams.app.trellis.coach(ref);
    addCheck(teams.app.repos, row, '2026-11-23', ratings(4));
    const summary = await teams.app.trellis.weeklySummaryFor(row.id, new Date('2026-11-30T09:00:00Z'));
    expect(summary?.image).toBeDefined();
    await teams.teams.messenger.sendDirect(row, summary!, 'weekly:conformance');

    const sent = takeSent();
    expect([...methods(sent, 'teams')]).toEqual(expect.arrayContaining(['reply', 'update']));
    const cards = sent.filter((s) => JSON.stringify(s.body).includes('application/vnd.microsoft.card.adaptive'));
    expect(cards.length).toBeGreaterThan(5);
    expect(sent.some((s) => JSON.stringify(s.body).includes('"type":"Image"'))).toBe(true);
    expect(checkSent(sent)).toEqual([]);
  });

  test('a bad payload the fakes receive is recorded and caught', async () => {
    takeSent();
    await fetch(`${slack.fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'D1',
        blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }],
      }),
    });
    await fetch(new URL('/v3/conversations/a%3Ax/activities', connector.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: { type: 'AdaptiveCard', version: '1.4', body: [] },
          },
        ],
      }),
    });
    const problems = checkSent(takeSent()).join('\n');
    expect(problems).toMatch(/slack chat.postMessage blocks\[0\].text.text: 151 characters, limit 150/);
    expect(problems).toMatch(/slack chat.postMessage text: no top-level text fallback/);
    expect(problems).toMatch(/teams send: no summary or text beside the attachments/);
  });
});
