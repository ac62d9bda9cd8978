import { monthsBefore, targetCredential } from '../../src/core/credential-log';
import { promptsForMarker, weakestMarker } from '../../src/core/journey';
import { toPlainText } from '../../src/core/message';
import type { Coach, CoachRef } from '../../src/core/model';
import type { PromptCatalog } from '../../src/core/prompts';
import { RUBRIC } from '../../src/core/rubric';
import { containsText, newKey, openApp } from '../helpers/app';
import { tempDir } from '../helpers/temp-db';
import { makeTrellis } from '../helpers/trellis';
import { addCheck, inChannel, makeWeeklyTrellis, ratings, slackRef } from '../helpers/weekly';

/** The credential journey's core on a real database with a fixed clock: the 18-month and 3-month windows. */
const me: CoachRef = { platform: 'console', tenant: 'local', user: 'journeyer' };
const say = (t: ReturnType<typeof makeTrellis>, typed: string) => {
  const reply = t.trellis.handleText(me, typed);
  if (reply.type !== 'messages') throw new Error(`expected messages, got ${reply.type}`);
  return reply.messages
    .map((m) => [m.title, ...m.lines, ...(m.fields ?? []).map((f) => `${f.label}: ${f.value}`)].join('\n'))
    .join('\n');
};

describe('credential journey', () => {
  let t: ReturnType<typeof makeTrellis>;
  beforeEach(() => {
    t = makeTrellis('2026-11-24T12:00:00Z');
  });
  afterEach(() => t.close());

  test('the 18-month window starts on the same day 18 months back, inclusive', () => {
    expect(monthsBefore('2026-11-24', 18)).toBe('2025-05-24');
    expect(monthsBefore('2026-08-31', 6)).toBe('2026-02-28');
    say(t, '/selfcheck session 60 paid C1 2025-05-23');
    say(t, '/selfcheck session 30 paid C2 2025-05-24');
    say(t, '/selfcheck session 45 probono c1 2026-11-24');
    const log = say(t, '/selfcheck log ACC');
    expect(log).toContain('Last 18 months: 1.3 h of 25 h since 2025-05-24 · 23.8 h to go');
    expect(log).toContain('Coaching hours: 2.3 h of 100 h');
    // "c1" and "C1" are one client.
    expect(log).toContain('Clients: 2 of 8');
  });

  test('mentor coaching must span three months: the day before is not enough, the day itself is', () => {
    say(t, '/selfcheck mentoring 60 1:1 2026-08-25');
    say(t, '/selfcheck mentoring 60 group 10 2026-11-24');
    expect(say(t, '/selfcheck log')).toContain('Span: 2026-08-25 to 2026-11-24 (91 days) · needs to reach 2026-11-25');
    say(t, '/selfcheck mentoring 60 1:1 2026-08-24');
    const log = say(t, '/selfcheck log');
    expect(log).toContain('Span: 2026-08-24 to 2026-11-24 (92 days) · met');
    expect(log).toContain('One-to-one: 2 h of 3 h · 1 h to go');
    expect(log).toContain('Mentor coaching: 3 h of 10 h · 7 h to go');
  });

  test('a group over ten neither counts nor stretches the span', () => {
    say(t, '/selfcheck mentoring 600 group 11 2026-01-01');
    say(t, '/selfcheck mentoring 60 1:1 2026-11-01');
    const log = say(t, '/selfcheck log');
    expect(log).toContain('Mentor coaching: 1 h of 10 h');
    expect(log).toContain('10 h in groups over 10 not counted');
    expect(log).toContain('Span: 2026-11-01 to 2026-11-01 (0 days)');
  });

  test('the target credential: named > working toward > the level above the one held > ACC', () => {
    const coach = t.trellis.coach(me);
    const with_ = (settings: Record<string, unknown>) =>
      ({ ...coach, settings: { ...coach.settings, ...settings } }) as Coach;
    expect(targetCredential(with_({ level: null }))).toBe('ACC');
    expect(targetCredential(with_({ level: 'ACC' }))).toBe('PCC');
    expect(targetCredential(with_({ level: 'MCC' }))).toBe('MCC');
    expect(targetCredential(with_({ level: 'ACC', workingToward: 'MCC' }))).toBe('MCC');
    expect(targetCredential(with_({ level: 'ACC', workingToward: 'MCC' }), 'ACC')).toBe('ACC');
    say(t, 'settings level PCC');
    expect(say(t, '/selfcheck log')).toContain('Credential log: MCC');
    expect(say(t, '/selfcheck log acc')).toContain('Credential log: ACC');
    expect(say(t, '/selfcheck log XYZ')).toContain('Name a credential');
  });

  test('self-checks and sessions store the rubric version they were given under', () => {
    say(t, '/selfcheck 4 3 5 4 4 2');
    say(t, '/selfcheck session 60 paid C1 4.2:partly');
    const coach = t.trellis.coach(me);
    expect(t.repos.selfChecks.recent(coach.id, 1)[0].rubricVersion).toBe(RUBRIC.version);
    const row = t.db.prepare('SELECT rubric_version FROM session_marker_ratings').get() as { rubric_version: string };
    expect(row.rubric_version).toBe(RUBRIC.version);
    expect(t.repos.journey.sessions(coach.id)[0].rubricVersion).toBe(RUBRIC.version);
  });

  test('nothing is stored half: a rating that cannot be stored takes its session with it', () => {
    const coach = t.trellis.coach(me);
    expect(() =>
      t.repos.transaction(() =>
        t.repos.journey.addSession(
          {
            coachId: coach.id,
            date: '2026-11-24',
            minutes: 60,
            paid: true,
            participants: 1,
            clientCode: 'C1',
            rubricVersion: RUBRIC.version,
            questionPromptId: null,
            createdAt: '2026-11-24T12:00:00Z',
          },
          [{ marker: '4.1', observed: 'maybe' as never, evidence: null }],
        ),
      ),
    ).toThrow();
    expect(t.repos.journey.totals(coach.id, '2000-01-01').sessions).toBe(0);
  });

  test('a client code that looks like a name is saved with a warning and the reason codes exist', () => {
    const ack = say(t, '/selfcheck session 60 paid Maria');
    expect(ack).toContain('looks like it could be a name');
    expect(say(t, '/selfcheck session 60 paid C17')).not.toContain('looks like');
  });

  test('the question comes from the prompts for the weakest marker: by tag when prompts carry one, else by behaviour', () => {
    expect(
      weakestMarker([
        { marker: '4.1', observed: 'partly', evidence: null },
        { marker: '4.3', observed: 'not_observed', evidence: null },
        { marker: '4.4', observed: 'not_observed', evidence: null },
      ]),
    ).toBe('4.3');
    // The shipped prompts carry marker tags: the question is one of those tagged 4.3.
    const tagged = promptsForMarker(t.catalog, '4.3');
    expect(tagged.length).toBeGreaterThan(0);
    expect(tagged).toEqual(t.catalog.prompts.filter((p) => (p as { markers?: string[] }).markers?.includes('4.3')));
    // A catalogue without tags (an older prompts folder) falls back to the marker's behaviour.
    const untagged = {
      ...t.catalog,
      prompts: t.catalog.prompts.map(({ markers: _markers, ...p }) => p),
    } as PromptCatalog;
    const byBehaviour = promptsForMarker(untagged, '4.3');
    expect(byBehaviour.length).toBeGreaterThan(0);
    expect(byBehaviour.every((p) => p.behaviours.includes('feelings'))).toBe(true);
  });

  test('export holds sessions, ratings, evidence and mentoring; delete removes them all', () => {
    say(t, '/selfcheck session 60 paid C17 4.1:yes');
    say(t, '/selfcheck mentoring 60 1:1');
    const coach = t.trellis.coach(me);
    t.repos.journey.addSession(
      {
        coachId: coach.id,
        date: '2026-11-23',
        minutes: 30,
        paid: false,
        participants: 1,
        clientCode: 'C18',
        rubricVersion: RUBRIC.version,
        questionPromptId: null,
        createdAt: '2026-11-24T12:00:00Z',
      },
      [{ marker: '4.2', observed: 'observed', evidence: 'EVIDENCE-mark: I said I was with her' }],
    );
    const exported = t.trellis.exportData(me);
    const json = JSON.parse(exported.files?.find((f) => f.kind === 'export')?.content ?? '{}');
    expect(json.credentialJourney.sessions).toHaveLength(2);
    const byCode = (code: string) =>
      json.credentialJourney.sessions.find((x: { clientCode: string }) => x.clientCode === code);
    expect(byCode('C18').ratings[0].evidence).toBe('EVIDENCE-mark: I said I was with her');
    expect(json.credentialJourney.mentoring).toHaveLength(1);
    expect(json.selfChecks).toEqual([]);
    say(t, '/selfcheck delete confirm');
    for (const table of [
      'client_sessions',
      'session_marker_ratings',
      'mentoring_logs',
      'journey_settings',
      'coach_emails',
    ]) {
      expect((t.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n).toBe(0);
    }
  });
});

describe('credential journey at rest', () => {
  test('client codes and evidence are sealed with the key and never logged', () => {
    const dir = tempDir();
    const app = openApp(dir.file('j.db'), { TRELLIS_ENCRYPTION_KEY: newKey() });
    const ref: CoachRef = { platform: 'console', tenant: 'local', user: 'sealed' };
    const { reply } = app.trellis.journey.recordSession(ref, {
      date: '2026-11-24',
      minutes: 60,
      paid: true,
      participants: 1,
      clientCode: 'CODEmark9',
      ratings: [{ marker: '4.2', observed: 'partly', evidence: 'EVIDENCEmark I named the worry' }],
    });
    expect(reply.lines.join(' ')).toContain('CODEmark9');
    app.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(containsText(dir.file('j.db'), 'EVIDENCEmark')).toBe(false);
    expect(containsText(dir.file('j.db'), 'CODEmark9')).toBe(false);
    expect(app.logLines.join('\n')).not.toMatch(/EVIDENCEmark|CODEmark9/);
    const coach = app.repos.coaches.find(ref)!;
    expect(app.repos.journey.sessions(coach.id)[0].ratings[0].evidence).toBe('EVIDENCEmark I named the worry');
    expect(app.repos.journey.totals(coach.id, '2000-01-01').clients).toBe(1);
    app.close();
    dir.cleanup();
  });
});

describe('nothing of a session reaches a group digest', () => {
  test("the members' digest is the same with or without their sessions, evidence and codes", async () => {
    const digest = async (withSessions: boolean) => {
      const t = makeWeeklyTrellis('2027-01-06T10:00:00Z', { charts: false });
      const here = inChannel('C0PEERS', 'peers');
      t.trellis.handleText(slackRef('U1'), 'digest here', here);
      for (const user of ['U1', 'U2', 'U3', 'U4', 'U5']) {
        t.trellis.handleText(slackRef(user), 'group join', here);
        const coach = t.trellis.coach(slackRef(user));
        addCheck(t.repos, coach, '2027-01-05', ratings(4));
        if (withSessions)
          t.trellis.handleText(slackRef(user), `/selfcheck session 60 paid CODE${user} 4.2:no 4.3:partly 2027-01-05`);
      }
      const group = t.repos.groups.find('slack', 'T1', 'C0PEERS');
      const shown = await t.trellis.digestFor(group?.id ?? 0, new Date('2027-01-11T09:00:00Z'));
      t.close();
      return shown ? toPlainText(shown) : '';
    };
    const without = await digest(false);
    const withSessions = await digest(true);
    expect(without).not.toBe('');
    expect(withSessions).toBe(without);
    expect(withSessions).not.toMatch(/CODEU|4\.2/);
  });
});
