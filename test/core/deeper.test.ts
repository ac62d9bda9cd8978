import { DEEPER_PATH, nextStage, stageAfter } from '../../src/core/deeper';
import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import { STAGES } from '../../src/core/prompt-schema';
import { type Reply, Trellis } from '../../src/core/trellis';
import { makeTrellis } from '../helpers/trellis';

const me: CoachRef = { platform: 'console', tenant: 'local', user: 'deep' };

function say(t: ReturnType<typeof makeTrellis>, typed: string): string {
  const reply: Reply = t.trellis.handleText(me, typed);
  if (reply.type !== 'messages') throw new Error(`expected messages, got ${reply.type}`);
  return reply.messages.map(toPlainText).join('\n\n');
}

describe('Go deeper: the stages of the reflective cycle, used', () => {
  it('walks describe -> feelings -> analyse -> plan through the schema’s STAGES', () => {
    expect(DEEPER_PATH.every((s) => STAGES.includes(s))).toBe(true);
    expect(nextStage('describe')).toBe('feelings');
    expect(nextStage('feelings')).toBe('analyse');
    expect(nextStage('evaluate')).toBe('analyse');
    expect(nextStage('analyse')).toBe('plan');
    expect(nextStage('conclude')).toBe('plan');
    expect(nextStage('plan')).toBeUndefined();
  });

  it('has a companion question for every stage and behaviour it can reach', () => {
    const t = makeTrellis();
    try {
      for (const p of t.catalog.prompts) {
        for (let answers = 1; answers <= 4; answers++) {
          const stage = stageAfter(p, answers);
          if (!stage) break;
          const found = t.catalog.deeperQuestions.some((q) => q.stage === stage && q.behaviour === p.behaviours[0]);
          expect({ id: p.id, stage, found }).toEqual({ id: p.id, stage, found: true });
        }
      }
    } finally {
      t.close();
    }
  });

  it('offers the next question on the same moment and saves the answer with the same prompt issue', () => {
    const t = makeTrellis('2026-11-24T09:00:00Z');
    try {
      say(t, 'prompt');
      const coach = t.repos.coaches.find(me);
      if (!coach) throw new Error('no coach');
      const issue = t.repos.promptIssues.latest(coach.id);
      if (!issue) throw new Error('no issue');
      // Make the prompt a "describe" one, so the whole path is walked.
      const describe = t.catalog.prompts.find((p) => p.stage === 'describe' && p.behaviours[0] === 'empathy');
      if (!describe) throw new Error('no describe prompt');
      t.db.prepare('UPDATE prompt_issues SET prompt_id = ? WHERE id = ?').run(describe.id, issue.id);

      const saved = say(t, 'She went quiet and I waited.');
      expect(saved).toContain('your reply to the prompt');
      expect(saved).toContain('Type "deeper"');
      const feelings = say(t, 'deeper');
      expect(feelings).toMatch(/^Going deeper: what you felt/);
      expect(say(t, 'I felt a tug to fill the silence.')).toContain('with your reflection on the same prompt');
      expect(say(t, 'deeper')).toMatch(/^Going deeper: what you make of it/);
      say(t, 'Waiting let her find her own words.');
      expect(say(t, 'go deeper')).toMatch(/^Going deeper: what you will do next/);
      const last = say(t, 'Next time I will count to five.');
      expect(last).toContain('with your reflection on the same prompt');
      expect(last).not.toContain('deeper');
      expect(say(t, 'deeper')).toContain('all the way to a plan');

      const rows = t.db
        .prepare('SELECT prompt_issue_id AS issue, prompt_id AS prompt FROM reflections WHERE coach_id = ? ORDER BY id')
        .all(coach.id);
      expect(rows).toEqual(Array(4).fill({ issue: issue.id, prompt: describe.id }));
      // After the plan, free text is an entry of its own again.
      expect(say(t, 'Unrelated thought for later.')).toContain('an entry of its own');
    } finally {
      t.close();
    }
  });

  it('with nothing to go deeper into it says what to do; skip sets a deeper question aside', () => {
    const t = makeTrellis('2026-11-24T09:00:00Z');
    try {
      expect(say(t, 'deeper')).toMatch(/no recent reflection on a prompt/);
      say(t, 'prompt');
      say(t, 'First answer.');
      expect(say(t, 'deeper')).toMatch(/^Going deeper/);
      expect(say(t, 'skip')).toContain('Set aside. What you wrote on this prompt stays in your journal.');
      expect(say(t, 'Something else, for later.')).toContain('an entry of its own');
      const coach = t.repos.coaches.find(me);
      expect(t.repos.promptIssues.latest(coach?.id ?? 0)?.status).toBe('answered');
    } finally {
      t.close();
    }
  });

  it('holds across a restart: the question is kept in the store, not in memory', () => {
    const t = makeTrellis('2026-11-24T09:00:00Z');
    try {
      say(t, 'prompt');
      say(t, 'First answer.');
      say(t, 'deeper');
      // A second core on the same database, as after a restart (or the next terminal chat).
      const again = new Trellis({
        repos: t.repos,
        catalog: t.catalog,
        clock: t.clock,
        log: { debug() {}, info() {}, warn() {}, error() {} },
        defaultTimeZone: 'UTC',
      });
      const reply = again.handleText(me, 'The answer, after the restart.');
      if (reply.type !== 'messages') throw new Error('expected messages');
      expect(toPlainText(reply.messages[0])).toContain('with your reflection on the same prompt');
    } finally {
      t.close();
    }
  });
});
