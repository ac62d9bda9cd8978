import { loadCatalog } from '../../src/catalog';
import { BEHAVIOUR_KEYS } from '../../src/core/behaviours';
import { choosePrompt, eligiblePrompts, type PromptChoice, unusedInCycle } from '../../src/core/prompts';
import { addDays } from '../../src/core/time';

const catalog = loadCatalog();

function choice(overrides: Partial<PromptChoice> = {}): PromptChoice {
  return {
    coachKey: '7',
    date: '2026-11-24',
    level: null,
    practices: [],
    history: [],
    recentRatings: [],
    ...overrides,
  };
}

describe('the prompt catalogue', () => {
  it('has at least 60 prompts, 8 per behaviour, and watch-for prompts', () => {
    expect(catalog.prompts.length).toBeGreaterThanOrEqual(60);
    for (const key of BEHAVIOUR_KEYS) {
      expect(catalog.prompts.filter((p) => p.behaviours.includes(key)).length).toBeGreaterThanOrEqual(8);
    }
    expect(catalog.prompts.filter((p) => p.kind === 'watch-for').length).toBeGreaterThan(0);
  });
});

describe('choosePrompt', () => {
  it('is deterministic for a coach and a date', () => {
    expect(choosePrompt(catalog, choice()).id).toBe(choosePrompt(catalog, choice()).id);
  });

  it('never repeats a prompt until the eligible pool is used up, then starts a new cycle', () => {
    const pool = eligiblePrompts(catalog, 'PCC');
    const history: string[] = [];
    for (let day = 0; day < pool.length; day++) {
      const p = choosePrompt(catalog, choice({ level: 'PCC', date: addDays('2026-01-01', day), history }));
      expect(history).not.toContain(p.id);
      history.push(p.id);
    }
    expect(new Set(history).size).toBe(pool.length);
    const next = choosePrompt(catalog, choice({ level: 'PCC', date: '2027-06-01', history }));
    expect(pool.map((p) => p.id)).toContain(next.id);
    expect(unusedInCycle(pool, [...history, next.id]).map((p) => p.id)).not.toContain(next.id);
  });

  it('honours level: "any" and ACC prompts for ACC, never those of a higher level', () => {
    const seen = new Set<string>();
    const history: string[] = [];
    for (let day = 0; day < 200; day++) {
      const p = choosePrompt(catalog, choice({ level: 'ACC', date: addDays('2026-01-01', day), history }));
      seen.add(p.level);
      history.push(p.id);
    }
    expect([...seen].sort()).toEqual(['ACC', 'any']);
    const unset = eligiblePrompts(catalog, null);
    expect(unset.every((p) => p.level === 'any' || p.level === 'ACC')).toBe(true);
  });

  it('leans toward the behaviours a coach rated lowest in the last 14 days', () => {
    const lowOpenness = [{ context: 5, respect: 5, talents: 5, empathy: 5, feelings: 5, openness: 1 } as const];
    let openness = 0;
    let baseline = 0;
    const days = 600;
    for (let day = 0; day < days; day++) {
      const date = addDays('2025-01-01', day);
      if (
        choosePrompt(catalog, choice({ coachKey: `c${day}`, date, recentRatings: lowOpenness })).behaviours.includes(
          'openness',
        )
      )
        openness++;
      if (choosePrompt(catalog, choice({ coachKey: `c${day}`, date })).behaviours.includes('openness')) baseline++;
    }
    // Openness weighs 5 against 1 for the rest, so it comes up far more often than with no ratings.
    expect(openness).toBeGreaterThan(baseline * 2);
  });
});
