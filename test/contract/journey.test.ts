import type { PlatformDriver } from './driver';
import { DRIVERS, startedDriver } from './drivers';

/**
 * The credential journey (issue #15) through every platform's real adapter: the session quick form and its bad
 * input, the session form (Slack modal, Teams card, terminal dialog), mentor-coaching hours and the log.
 */
const text = (lines: string[]) => lines.join('\n');
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

describe.each(DRIVERS.map((make) => [make().name, make] as const))('journey contract: %s', (_name, make) => {
  const started = startedDriver(make);
  let driver: PlatformDriver;
  beforeAll(() => {
    driver = started();
  });

  test('the quick form logs a session, and the log counts it against the target credential', async () => {
    const ack = text(await driver.send('logger', '/selfcheck session 60 paid C17 4.1:yes 4.3:partly'));
    expect(ack).toContain('60 min · paid · individual · client C17');
    expect(ack).toContain('Markers (rubric 2025.1): 4.1 observed · 4.3 partly');
    expect(ack).toContain('A question about this session (marker 4.3');
    expect(text(await driver.send('logger', `/selfcheck session 90 probono C3 group 6 ${daysAgo(800)}`))).toContain(
      '90 min · pro bono · group of 6 · client C3',
    );
    const log = text(await driver.send('logger', '/selfcheck log PCC'));
    expect(log).toContain('Credential log: PCC');
    expect(log).toMatch(/Coaching hours\s+2\.5 h of 500 h · 497\.5 h to go/);
    expect(log).toMatch(/Paid\s+1 h of 450 h/);
    expect(log).toMatch(/Pro bono\s+1\.5 h/);
    expect(log).toMatch(/Clients\s+2 of 25 · 23 more to go/);
    // The group session was more than 18 months ago: only the hour today counts as recent.
    expect(log).toMatch(/Last 18 months\s+1 h of 50 h/);
    // No level set: the target is the credential above none, ACC.
    expect(text(await driver.send('logger', '/selfcheck log'))).toContain('Credential log: ACC');
  }, 90000);

  test.each([
    ['0 minutes', '/selfcheck session 0 paid C1', /from 1 to 600 minutes/],
    ['10,000 minutes', '/selfcheck session 10000 paid C1', /from 1 to 600 minutes/],
    ['a date in the future', '/selfcheck session 60 paid C1 2099-01-01', /in the future/],
    ['an unknown marker', '/selfcheck session 60 paid C1 4.5:yes', /not one of this competency's markers/],
    ['no client code', '/selfcheck session 60 paid', /Add a client code/],
    ['a group of one', '/selfcheck session 60 paid C1 group 1', /from 2 to 100 participants/],
  ])(
    '%s is refused with what to fix, and nothing is stored',
    async (what, typed, fix) => {
      const user = `bad-${what.replace(/\W+/g, '-')}`;
      expect(text(await driver.send(user, typed))).toMatch(fix);
      expect(text(await driver.send(user, '/selfcheck log'))).toContain('0 sessions logged');
    },
    60000,
  );

  test('the session form records a session with markers and evidence', async () => {
    const ack = text(
      await driver.submitSession('former', {
        minutes: '45',
        paid: 'probono',
        clientCode: 'K9',
        'observed_4.2': 'observed',
        'evidence_4.2': 'I said: that sounds heavy, take your time.',
        'observed_4.4': 'not',
      }),
    );
    expect(ack).toContain('45 min · pro bono · individual · client K9');
    expect(ack).toContain('4.2 observed (evidence saved) · 4.4 not observed');
    expect(ack).toContain('A question about this session (marker 4.4');
    expect(ack).not.toContain('take your time');
    expect(text(await driver.send('former', '/selfcheck log'))).toMatch(/Coaching hours\s+0\.8 h of 100 h/);
  }, 90000);

  test('a bad field in the form says what to fix, and nothing is stored', async () => {
    const seen = text(await driver.submitSession('unformed', { minutes: '0', clientCode: 'C2' }));
    expect(seen).toMatch(/from 1 to 600 minutes/);
    expect(text(await driver.send('unformed', '/selfcheck log'))).toContain('0 sessions logged');
  }, 90000);

  test('mentor coaching counts toward the ten-hour rule: one-to-one hours and group size', async () => {
    expect(text(await driver.send('mentee', '/selfcheck mentoring 60 1:1'))).toContain('60 min · one-to-one');
    expect(text(await driver.send('mentee', `/selfcheck mentoring 90 group 6 ${daysAgo(120)}`))).toContain(
      'group of 6',
    );
    expect(text(await driver.send('mentee', `/selfcheck mentoring 120 group 12 ${daysAgo(60)}`))).toContain(
      'does not count',
    );
    const log = text(await driver.send('mentee', '/selfcheck log'));
    expect(log).toMatch(/Mentor coaching\s+2\.5 h of 10 h · 7\.5 h to go/);
    expect(log).toMatch(/One-to-one\s+1 h of 3 h · 2 h to go/);
    expect(log).toMatch(/Span\s+\S+ to \S+ \(120 days\) · met/);
    expect(log).toMatch(/2 h in groups over 10 not counted/);
  }, 90000);
});
