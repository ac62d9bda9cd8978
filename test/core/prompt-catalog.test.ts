import fs from 'node:fs';
import path from 'node:path';
import { loadCatalog } from '../../src/catalog';
import { BEHAVIOUR_KEYS } from '../../src/core/behaviours';
import type { Level } from '../../src/core/model';
import { promptCounts } from '../../src/core/prompt-counts';
import { MISTAKE_KEYS, PCC_MARKERS, PROMPT_PRACTICES, promptSchema, TIP_KEYS } from '../../src/core/prompt-schema';
import {
  choosePrompt,
  eligiblePrompts,
  LEVEL_REACH,
  markerLabel,
  OWN_LEVEL_WEIGHT,
  promptFooter,
  promptForBehaviour,
} from '../../src/core/prompts';
import { addDays } from '../../src/core/time';

const catalog = loadCatalog();
const LEVELS: (Level | null)[] = [null, 'ACC', 'PCC', 'MCC'];
const label = (level: Level | null) => level ?? 'no level';

describe('the prompt catalogue (#14)', () => {
  it('has at least 120 prompts and at least 14 for each behaviour', () => {
    expect(catalog.prompts.length).toBeGreaterThanOrEqual(120);
    for (const key of BEHAVIOUR_KEYS) {
      const first = catalog.prompts.filter((p) => p.behaviours[0] === key).length;
      expect({ key, first: first >= 14 }).toEqual({ key, first: true });
    }
  });

  it.each(LEVELS)('reaches every development tip and every common mistake for a coach at %s', (level) => {
    // A coach who has told Trellis nothing of their practice: the untagged prompts only.
    const pool = eligiblePrompts(catalog, level, []);
    expect(pool.every((p) => p.practices === undefined)).toBe(true);
    const tips = new Set(pool.map((p) => p.tip));
    const mistakes = new Set(pool.flatMap((p) => (p.mistake ? [p.mistake] : [])));
    expect({ level: label(level), missingTips: TIP_KEYS.filter((t) => !tips.has(t)) }).toEqual({
      level: label(level),
      missingTips: [],
    });
    expect({ level: label(level), missingMistakes: MISTAKE_KEYS.filter((m) => !mistakes.has(m)) }).toEqual({
      level: label(level),
      missingMistakes: [],
    });
    // And every tip the prompts come from exists in tips.json.
    expect(TIP_KEYS.filter((t) => !catalog.tips.some((x) => x.key === t))).toEqual([]);
  });

  it.each(LEVELS)('ties prompts to each PCC marker 4.1-4.4 for a coach at %s', (level) => {
    const pool = eligiblePrompts(catalog, level, []);
    for (const marker of PCC_MARKERS) expect(pool.filter((p) => p.markers?.includes(marker)).length).toBeGreaterThan(2);
  });

  it('covers behaviour 5 in full: feelings, perceptions, concerns, beliefs and suggestions', () => {
    const texts = catalog.prompts.filter((p) => p.behaviours.includes('feelings')).map((p) => p.text.toLowerCase());
    for (const word of ['feel', 'percept', 'concern', 'belief', 'suggest'])
      expect({ word, found: texts.some((t) => t.includes(word)) }).toEqual({ word, found: true });
  });

  it('has the new themes: promises, power and status, rupture and repair, referral, the coach’s own triggers', () => {
    for (const tip of ['reliability', 'power-status', 'repair', 'referral', 'own-biases'] as const)
      expect({ tip, n: catalog.prompts.filter((p) => p.tip === tip).length >= 3 }).toEqual({ tip, n: true });
  });

  it('keeps the level tags in line with the competency: imposing values is a newer coach’s mistake', () => {
    const imposing = catalog.prompts.filter((p) => p.mistake === 'imposing-values');
    expect(imposing.length).toBeGreaterThan(0);
    expect(imposing.every((p) => p.level === 'any' || p.level === 'ACC')).toBe(true);
  });

  it('no longer assumes a lapse or asks what might have happened', () => {
    for (const p of catalog.prompts) {
      expect({
        id: p.id,
        lapse: /you replied with advice|carried on anyway|might have happened/i.test(p.text),
      }).toEqual({
        id: p.id,
        lapse: false,
      });
    }
  });

  it('tags sponsor and virtual-session prompts with their practice, so they go only to coaches who fit', () => {
    for (const p of catalog.prompts) {
      if (/sponsor|three-way/i.test(p.text))
        expect({ id: p.id, practices: p.practices }).toEqual({ id: p.id, practices: ['organisational'] });
      if (/video session|virtual session/i.test(p.text))
        expect({ id: p.id, practices: p.practices }).toEqual({ id: p.id, practices: ['virtual'] });
    }
    const none = eligiblePrompts(catalog, 'MCC', []);
    expect(none.some((p) => p.practices)).toBe(false);
    const organisational = eligiblePrompts(catalog, 'MCC', ['organisational']);
    expect(organisational.filter((p) => p.practices).every((p) => p.practices?.includes('organisational'))).toBe(true);
    expect(organisational.length).toBeGreaterThan(none.length);
    const everything = eligiblePrompts(catalog, 'MCC', PROMPT_PRACTICES);
    expect(everything).toHaveLength(catalog.prompts.length);
  });

  it('keeps the ids of the prompts that were there before (issued ids are stored)', () => {
    const ids = new Set(catalog.prompts.map((p) => p.id));
    const kept = [
      ...BEHAVIOUR_KEYS.flatMap((b) => Array.from({ length: 10 }, (_, i) => `${b}-${String(i + 1).padStart(2, '0')}`)),
      ...Array.from({ length: 14 }, (_, i) => `watch-${String(i + 1).padStart(2, '0')}`),
    ];
    expect(kept.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('validates markers and practices with zod', () => {
    const base = catalog.prompts[0];
    expect(promptSchema.safeParse({ ...base, markers: ['4.5'] }).success).toBe(false);
    expect(promptSchema.safeParse({ ...base, markers: ['4.1', '4.1'] }).success).toBe(false);
    expect(promptSchema.safeParse({ ...base, markers: [] }).success).toBe(false);
    expect(promptSchema.safeParse({ ...base, practices: ['freelance'] }).success).toBe(false);
    expect(promptSchema.safeParse({ ...base, markers: ['4.3'], practices: ['virtual'] }).success).toBe(true);
  });

  it('names a prompt’s PCC marker in its footer', () => {
    const one = catalog.prompts.find((p) => p.markers?.length === 1 && p.markers[0] === '4.3');
    const two = catalog.prompts.find((p) => p.markers?.length === 2);
    const none = catalog.prompts.find((p) => !p.markers);
    if (!one || !two || !none) throw new Error('the catalogue lacks a prompt with one, two or no markers');
    expect(promptFooter(catalog, one)).toContain('PCC marker 4.3');
    expect(markerLabel(two)).toMatch(/^PCC markers 4\.\d and 4\.\d$/);
    expect(promptFooter(catalog, none)).not.toContain('PCC marker');
  });

  it('the README "Prompts" section shows the figures the catalogue has now', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(promptCounts(catalog).filter((line) => !readme.includes(line))).toEqual([]);
  });
});

describe('levels are cumulative, weighted toward the coach’s own', () => {
  it('reaches "any" and ACC with no level, ACC also from PCC, everything from MCC', () => {
    expect(LEVEL_REACH.none).toEqual(['any', 'ACC']);
    const levels = (level: Level | null) => [...new Set(eligiblePrompts(catalog, level).map((p) => p.level))].sort();
    expect(levels(null)).toEqual(['ACC', 'any']);
    expect(levels('ACC')).toEqual(['ACC', 'any']);
    expect(levels('PCC')).toEqual(['ACC', 'PCC', 'any']);
    expect(levels('MCC')).toEqual(['ACC', 'MCC', 'PCC', 'any']);
  });

  it.each(['ACC', 'PCC', 'MCC'] as const)('draws %s prompts in proportion to their weight (seeded)', (level) => {
    const pool = eligiblePrompts(catalog, level, []);
    const own = pool.filter((p) => p.level === level).length;
    const expected = (own * OWN_LEVEL_WEIGHT) / (own * OWN_LEVEL_WEIGHT + (pool.length - own));
    const unweighted = own / pool.length;
    const draws = 3000;
    let hits = 0;
    const seen = new Set<string>();
    for (let i = 0; i < draws; i++) {
      const p = choosePrompt(catalog, {
        coachKey: `w${i}`,
        date: addDays('2026-01-01', i % 365),
        level,
        practices: [],
        history: [],
        recentRatings: [],
      });
      seen.add(p.level);
      if (p.level === level) hits++;
    }
    const share = hits / draws;
    expect(share).toBeGreaterThan(unweighted + 0.1);
    expect(Math.abs(share - expected)).toBeLessThan(0.04);
    // Still cumulative: the levels below come up too.
    expect(seen.has('any') && seen.has('ACC')).toBe(true);
  });

  it('is deterministic for a coach and a date', () => {
    const c = {
      coachKey: '42',
      date: '2026-12-02',
      level: 'PCC' as const,
      practices: [],
      history: [],
      recentRatings: [],
    };
    expect(choosePrompt(catalog, c).id).toBe(choosePrompt(catalog, { ...c }).id);
  });
});

describe('the weekly "prompt to try" (promptForBehaviour) honours level and practice as the daily draw does', () => {
  const PROFILES = LEVELS.flatMap((level) =>
    [[], ['organisational'], ['private', 'virtual'], ['internal']].map((practices) => ({ level, practices })),
  );

  it.each(PROFILES)('for %o: only prompts the daily draw could give, on the behaviour asked', (coach) => {
    const pool = new Set(eligiblePrompts(catalog, coach.level, coach.practices).map((p) => p.id));
    for (const key of BEHAVIOUR_KEYS) {
      for (let week = 0; week < 60; week++) {
        const p = promptForBehaviour(catalog, coach, key, `7|${week}`);
        expect(p).toBeDefined();
        expect({ key, id: p?.id, behaviour: p?.behaviours.includes(key), eligible: pool.has(p?.id ?? '') }).toEqual({
          key,
          id: p?.id,
          behaviour: true,
          eligible: true,
        });
      }
    }
  });

  it('reaches the practice-tagged prompts for a coach whose practice fits, and never for one who said none', () => {
    const drawn = (practices: string[]) =>
      BEHAVIOUR_KEYS.flatMap((key) =>
        Array.from({ length: 200 }, (_, i) => promptForBehaviour(catalog, { level: 'PCC', practices }, key, `c${i}`)),
      );
    expect(drawn([]).some((p) => p?.practices !== undefined)).toBe(false);
    const organisational = drawn(['organisational']);
    expect(organisational.some((p) => p?.practices?.includes('organisational'))).toBe(true);
    expect(organisational.some((p) => p?.practices && !p.practices.includes('organisational'))).toBe(false);
  });

  it('favours the coach’s own level, still reaches the levels below, and holds for a seed', () => {
    const draws = Array.from({ length: 600 }, (_, i) =>
      promptForBehaviour(catalog, { level: 'MCC', practices: [] }, 'openness', `m${i}`),
    );
    const pool = eligiblePrompts(catalog, 'MCC', []).filter((p) => p.behaviours.includes('openness'));
    const own = pool.filter((p) => p.level === 'MCC').length;
    const share = draws.filter((p) => p?.level === 'MCC').length / draws.length;
    expect(own).toBeGreaterThan(0);
    expect(share).toBeGreaterThan(own / pool.length + 0.05);
    expect(new Set(draws.map((p) => p?.level)).has('ACC')).toBe(true);
    const coach = { level: 'ACC' as const, practices: ['virtual'] };
    expect(promptForBehaviour(catalog, coach, 'context', '9|12')?.id).toBe(
      promptForBehaviour(catalog, { ...coach }, 'context', '9|12')?.id,
    );
  });
});
