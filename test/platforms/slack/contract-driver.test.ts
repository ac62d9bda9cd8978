import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SlackDriver } from '../../contract/slack-driver';
import { tempDbFile } from '../../helpers/temp-db';

/** The Slack contract driver works on its own; the shared contract suite runs it beside the other platforms. */
describe('SlackDriver', () => {
  const driver = new SlackDriver();
  const db = tempDbFile();
  beforeAll(() => driver.start(db.file));
  afterAll(async () => {
    await driver.stop();
    db.cleanup();
  });

  test('send: a slash command answers with what the coach sees', async () => {
    expect((await driver.send('ana', '/selfcheck help')).join('\n')).toMatch(/Trellis commands/);
    expect((await driver.send('ana', '/selfcheck')).join('\n')).toMatch(/Self-check form[\s\S]*Note for yourself/);
  });

  test('submitSelfCheck: errors say what to fix; a good form is acknowledged in the DM', async () => {
    expect((await driver.submitSelfCheck('ana', { context: '7' })).join('\n')).toMatch(/out of range/);
    const ok = await driver.submitSelfCheck('ana', { context: '4', respect: '3', openness: '2' }, 'a private note');
    expect(ok.join('\n')).toMatch(/Thanks, your self-check is saved/);
  });

  test('reply: a DM answers the open prompt; history then shows it', async () => {
    expect((await driver.send('ana', 'prompt')).join('\n')).toMatch(/Today's reflection/);
    expect((await driver.reply('ana', 'I named what I noticed and asked.')).join('\n')).toMatch(
      /Saved to your journal/,
    );
    expect((await driver.send('ana', '/selfcheck history')).join('\n')).toMatch(
      /Recent reflections[\s\S]*I named what I noticed/,
    );
  });
});
