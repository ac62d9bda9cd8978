import type { PlatformDriver } from './driver';
import { DRIVERS, startedDriver } from './drivers';

/**
 * A mentor coach beside the coach (issue #15, part 2) through every platform's real adapter, two coaches on the
 * same platform: invite (a Slack mention, a Teams mention in a channel, a terminal name) → the invitation in the
 * invitee's DM → Accept → share a session → the mentor rates it on the form → the coach is told; stop; the refusals.
 */
const text = (lines: string[]) => lines.join('\n');
const sessionId = (lines: string[]) => {
  const m = /Session (\d+) logged/.exec(text(lines));
  if (!m) throw new Error(`no session number in: ${text(lines)}`);
  return Number(m[1]);
};

describe.each(DRIVERS.map((make) => [make().name, make] as const))('mentor contract: %s', (_name, make) => {
  const started = startedDriver(make);
  let driver: PlatformDriver;
  beforeAll(() => {
    driver = started();
  });
  const invite = (from: string, to: string) =>
    driver.sendMentioning(from, '/selfcheck mentor invite @@', to, { inChannel: driver.name === 'teams' });

  test('invite → accept → share → the mentor rates on the form → the coach is told; stop ends access', async () => {
    await driver.firstContact('ada', 'help');
    await driver.firstContact('bea', 'help');
    expect(text(await invite('ada', 'bea'))).toContain('Invitation sent');

    const invitation = text(await driver.inbox('bea'));
    expect(invitation).toContain('asks you to be their mentor coach');
    expect(invitation).toContain('never client codes, evidence lines, notes or reflections');
    expect(invitation).toContain('mentor stop');
    expect(text(await driver.press('bea', 'mentor_accept'))).toContain('mentor coach');
    expect(text(await driver.inbox('ada'))).toContain('accepted: they are now your mentor coach');

    const id = sessionId(await driver.send('ada', '/selfcheck session 60 paid C17 4.1:yes'));
    const shared = text(await driver.send('ada', `/selfcheck share session ${id} with mentor`));
    expect(shared).toContain(`Session ${id} (`);
    expect(shared).toContain(`rate session ${id}`);
    expect(text(await driver.send('ada', `/selfcheck rate session ${id} 4 4 5 3 - 4`))).toContain(
      `Your ratings of session ${id} are saved`,
    );

    const toRate = text(await driver.inbox('bea'));
    expect(toRate).toContain(`session ${id},`);
    expect(toRate).toContain('60 min · individual');
    expect(toRate).not.toContain('C17');
    const rated = text(
      await driver.submitMentorRating('bea', id, {
        context: '3',
        respect: '4',
        talents: '4',
        empathy: '3',
        feelings: '2',
        openness: '4',
        'observed_4.1': 'observed',
        'observed_4.3': 'partly',
        comment: 'A lovely long pause after the hard question.',
      }),
    );
    expect(rated).toContain(`Your rating of session ${id} is saved`);
    expect(rated).toContain('Markers: 4.1 observed · 4.3 partly');

    const told = text(await driver.inbox('ada'));
    expect(told).toContain(`rated session ${id}`);
    expect(told).toContain('Context 3');
    expect(told).toContain('A lovely long pause after the hard question.');

    // Mentor coaching logged by the mentor and then the coach: counted once.
    expect(text(await driver.sendMentioning('bea', '/selfcheck mentoring 60 1:1 for @@', 'ada'))).toContain(
      'Mentor coaching logged for',
    );
    expect(text(await driver.send('ada', '/selfcheck mentoring 60 1:1'))).toContain('counted once');
    expect(text(await driver.send('ada', '/selfcheck log'))).toMatch(/Mentor coaching\s+1 h of 10 h/);

    expect(text(await driver.send('bea', '/selfcheck mentor stop'))).toContain('ended');
    expect(text(await driver.inbox('ada'))).toContain('ended the mentoring');
    expect(text(await driver.send('bea', '/selfcheck mentor sessions'))).toContain('No session is shared with you');
    expect(text(await driver.send('bea', `/selfcheck mentor rate ${id} 3 3 3 3 3 3`))).toContain('has ended');
  }, 180000);

  test('refused: yourself, a second open invitation, accepting a withdrawn one, rating a session not shared', async () => {
    await driver.firstContact('cal', 'help');
    await driver.firstContact('dot', 'help');
    await driver.firstContact('eve', 'help');
    expect(text(await invite('cal', 'cal'))).toContain('cannot be your own mentor');
    expect(text(await invite('cal', 'dot'))).toContain('Invitation sent');
    expect(text(await invite('cal', 'eve'))).toContain('You already invited');
    expect(text(await driver.send('cal', '/selfcheck mentor stop'))).toContain('Invitation withdrawn');
    expect(text(await driver.send('dot', '/selfcheck mentor accept'))).toMatch(/no invitation|withdrew/);
    expect(text(await driver.send('dot', '/selfcheck mentor rate 1 3 3 3 3 3 3'))).toContain('not shared with you');
    expect(text(await driver.send('cal', '/selfcheck share session 1 with mentor'))).toMatch(
      /no session 1|no mentor coach/i,
    );
  }, 180000);
});
