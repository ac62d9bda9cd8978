import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import type { Reply } from '../../src/core/trellis';
import { makeTrellis } from '../helpers/trellis';

const me: CoachRef = { platform: 'console', tenant: 'local', user: 'ana' };

function texts(reply: Reply): string[] {
  if (reply.type !== 'messages') throw new Error(`expected messages, got ${reply.type}`);
  return reply.messages.map(toPlainText);
}

describe('the Trellis core', () => {
  let t: ReturnType<typeof makeTrellis>;
  beforeEach(() => {
    t = makeTrellis('2026-11-24T09:00:00Z');
  });
  afterEach(() => t.close());

  it('records a quick self-check and answers with a tip for the lowest behaviour', () => {
    const [ack] = texts(t.trellis.handleText(me, '/selfcheck 4 3 5 4 4 2 felt rushed today'));
    expect(ack).toContain('saved');
    expect(ack).toMatch(/A tip for openness/);
    const coach = t.repos.coaches.find(me);
    expect(t.repos.selfChecks.recent(coach?.id ?? 0, 1)[0]).toMatchObject({
      ratings: { context: 4, respect: 3, talents: 5, empathy: 4, feelings: 4, openness: 2 },
      note: 'felt rushed today',
      localDate: '2026-11-24',
    });
  });

  it('stores nothing when the input is bad, and says what to fix', () => {
    for (const bad of [
      '/selfcheck 4 3 5 4 4 2 5',
      '/selfcheck 4 6 5 4 4 2',
      '/selfcheck a b c d e f',
      `/selfcheck 4 3 5 4 4 2 ${'x'.repeat(2001)}`,
    ]) {
      const [answer] = texts(t.trellis.handleText(me, bad));
      expect(answer).toMatch(/six behaviours|out of range|not a number|limit is 2,000/);
    }
    expect(t.repos.selfChecks.count()).toBe(0);
  });

  it('asks the platform for its form when /selfcheck comes alone', () => {
    expect(t.trellis.handleText(me, '/selfcheck')).toEqual({ type: 'selfcheck_form' });
    expect(t.trellis.handleText(me, 'selfcheck settings')).toEqual({ type: 'settings_form' });
  });

  it('gives the same prompt all day and saves the next plain message as the reflection', () => {
    const [first] = texts(t.trellis.handleText(me, 'prompt'));
    t.clock.advanceMinutes(90);
    const [again] = texts(t.trellis.handleText(me, 'prompt'));
    expect(again).toBe(first);
    const [saved] = texts(
      t.trellis.handleText(me, 'A client went quiet when I mentioned their sponsor; I asked what was on their mind.'),
    );
    expect(saved).toContain('Saved to your journal');
    const coach = t.repos.coaches.find(me);
    const [reflection] = t.repos.reflections.recent(coach?.id ?? 0, 1);
    expect(reflection.promptId).toBe(t.repos.promptIssues.latest(coach?.id ?? 0)?.promptId);
    expect(t.repos.promptIssues.latest(coach?.id ?? 0)?.status).toBe('answered');
    // With the prompt answered, a further line is kept as a journal entry of its own, not thrown away.
    expect(texts(t.trellis.handleText(me, 'hello there'))[0]).toContain('Saved to your journal as an entry of its own');
    expect(t.repos.reflections.count()).toBe(2);
    expect(t.repos.reflections.recent(coach?.id ?? 0, 1)[0].promptId).toBeNull();
  });

  it('a reflection that starts with a command word is still a reflection', () => {
    t.trellis.handleText(me, 'prompt');
    texts(t.trellis.handleText(me, 'history repeats: I rushed to reassure again'));
    expect(t.repos.reflections.count()).toBe(1);
  });

  it('skips and snoozes prompts; a snoozed prompt is still answered by a reply', () => {
    const { issue } = t.trellis.todaysPrompt(me);
    expect(toPlainText(t.trellis.setPromptStatus(me, issue.id, 'snoozed'))).toContain('Snoozed');
    t.trellis.handleText(me, 'I noticed my own impatience.');
    expect(t.repos.promptIssues.byId(issue.id)?.status).toBe('answered');
    expect(() => t.trellis.setPromptStatus({ ...me, user: 'someone-else' }, issue.id, 'skipped')).toThrow(
      /no longer available/,
    );
  });

  it('shows history, a trend against the four weeks before, and settings', () => {
    t.clock.set('2026-11-03T09:00:00Z');
    t.trellis.handleText(me, '/selfcheck 2 2 2 2 2 2');
    t.clock.set('2026-11-24T09:00:00Z');
    t.trellis.handleText(me, '/selfcheck 4 2 2 2 2 2 note');
    expect(texts(t.trellis.handleText(me, 'history'))[0]).toMatch(/Tue 24 Nov 2026 {2}Context 4 .*\(note\)/);
    const [trend] = texts(t.trellis.handleText(me, 'trend'));
    expect(trend).toMatch(/Context\s+4\.0\s+↑ \+2\.0/);
    expect(trend).toMatch(/Respect\s+2\.0\s+→ ±0\.0/);
    expect(texts(t.trellis.handleText(me, 'settings'))[0]).toContain('Monday to Friday');
  });

  it('changes settings, and a coach-chosen time zone wins over the platform hint', () => {
    expect(texts(t.trellis.handleText(me, 'settings time 7:45am'))[0]).toContain('07:45');
    expect(texts(t.trellis.handleText(me, 'settings tz Mars/Base'))[0]).toContain('not a time zone I know');
    t.trellis.handleText(me, 'settings level pcc');
    t.trellis.handleText(me, 'settings pause 2w');
    expect(t.repos.coaches.find(me)?.settings).toMatchObject({
      promptTime: '07:45',
      level: 'PCC',
      pausedUntil: '2026-12-07',
    });
    // The platform's zone is taken until the coach chooses one.
    t.trellis.coach(me, { timeZone: 'America/New_York' });
    expect(t.repos.coaches.find(me)?.settings.timeZone).toBe('America/New_York');
    t.trellis.handleText(me, 'settings tz Asia/Kathmandu');
    t.trellis.coach(me, { timeZone: 'Europe/Paris' });
    expect(t.repos.coaches.find(me)?.settings.timeZone).toBe('Asia/Kathmandu');
  });

  it('never writes note or reflection text to the log', () => {
    t.trellis.handleText(me, '/selfcheck 4 3 5 4 4 2 SECRET-NOTE-123');
    t.trellis.handleText(me, 'prompt');
    t.trellis.handleText(me, 'SECRET-REFLECTION-456 about my client');
    expect(t.logLines.length).toBeGreaterThan(0);
    expect(t.logLines.join('\n')).not.toMatch(/SECRET-/);
  });
});
