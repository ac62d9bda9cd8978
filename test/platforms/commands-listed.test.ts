import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CHANNEL_COMMANDS, PERSONAL_COMMANDS } from '../../src/platforms/teams/app-package';
import { activityText, FakeBotConnector } from '../helpers/fake-bot-connector';
import { SlackHarness } from '../helpers/slack-harness';
import { tempDbFile } from '../helpers/temp-db';
import { personalMessage, startTeams, type TeamsHarness } from './teams/harness';

/** Every command a coach can type today. Adding one to the core means adding it here and to every list below. */
const COMMANDS = [
  'prompt',
  'history',
  'trend',
  'settings',
  'summary',
  'share',
  'export',
  'delete',
  'digest here',
  'group join',
  'group leave',
  'help',
  'journal',
  'settings profile',
  'mentor invite',
  'mentor stop',
  'share session N with mentor',
  'session',
  'log',
  'portfolio',
];

/** The help each platform shows, the Slack manifest's usage hint and the Teams command lists name every command. */
describe('every command is listed where coaches look', () => {
  const slack = new SlackHarness();
  let connector: FakeBotConnector;
  let db: { file: string; cleanup(): void };
  let teams: TeamsHarness;
  beforeAll(async () => {
    await slack.start();
    connector = await new FakeBotConnector().start();
    db = tempDbFile();
    teams = await startTeams({ dbFile: db.file });
  });
  afterAll(async () => {
    await slack.stop();
    await teams.stop();
    await connector.stop();
    db.cleanup();
  });

  test('each command is one the core understands', () => {
    const ref = { platform: 'slack' as const, tenant: 'T0TEAM', user: 'U9LIST' };
    for (const command of COMMANDS) {
      const reply = slack.ctx.trellis.handleText(ref, `/selfcheck ${command}`);
      const text = reply.type === 'messages' ? reply.messages.map((m) => m.lines.join(' ')).join(' ') : '';
      expect({ command, text }).not.toEqual({ command, text: expect.stringMatching(/don't know|didn't recognise/) });
      expect({ command, text }).not.toEqual({ command, text: expect.stringMatching(/ratings|out of range/) });
    }
  });

  test('Slack: /selfcheck help lists them all', async () => {
    const { response, triggerId } = await slack.command('U9LIST', 'help');
    await slack.idle();
    // The ack itself, or (first contact) what followed through the response_url.
    const text = [
      JSON.stringify(response.json ?? {}),
      ...slack.responses(triggerId).map((r) => JSON.stringify(r.body)),
    ].join();
    for (const command of COMMANDS)
      expect({ command, listed: text.includes(command) }).toEqual({ command, listed: true });
  });

  test('Teams: help lists them all', async () => {
    await teams.post(personalMessage(connector.url, 'lister', 'help'));
    const text = activityText(connector.activities()[0].body);
    for (const command of COMMANDS)
      expect({ command, listed: text.includes(command) }).toEqual({ command, listed: true });
  });

  test("the Slack manifest's usage hint names every subcommand", () => {
    const manifest = fs.readFileSync(path.join(__dirname, '../../manifest.yml'), 'utf8');
    const hint = /usage_hint: "([^"]*)"/.exec(manifest)![1];
    for (const command of COMMANDS) {
      const words = command.split(' ');
      expect({ command, listed: words.every((w) => hint.includes(w)) }).toEqual({ command, listed: true });
    }
  });

  // Teams takes ten commands a list: a command is a suggestion's title, or named in quotes in one's description.
  test('the Teams app package suggests every command in the personal chat or the channel list', () => {
    const lists: readonly { title: string; description: string }[] = [...PERSONAL_COMMANDS, ...CHANNEL_COMMANDS];
    for (const command of COMMANDS) {
      const listed = lists.some(
        (c) => c.title === command || c.description.includes(`"${command}"`) || c.description.includes(`"${command} `),
      );
      expect({ command, listed }).toEqual({ command, listed: true });
    }
    expect(PERSONAL_COMMANDS.map((c) => c.title)).toContain('selfcheck');
    expect(PERSONAL_COMMANDS.map((c) => c.title)).toContain('mentor');
    expect(PERSONAL_COMMANDS.length).toBeLessThanOrEqual(10);
    expect(CHANNEL_COMMANDS.length).toBeLessThanOrEqual(10);
  });
});
