import type { CoachRef } from '../../src/core/model';
import { renderBlocks, renderFallbackText } from '../../src/platforms/slack/render';
import { renderActivity } from '../../src/platforms/teams/render';
import {
  addBehaviourRatings,
  addMentorCoach,
  addRelation,
  addSession,
  coachIdOf,
  mentorRates,
  share,
} from '../helpers/mentor-rows';
import { makeTrellis } from '../helpers/trellis';
import { checkSlackMessage } from './block-kit';
import { checkTeamsActivity, dataUriPng } from './teams';

/**
 * The largest `/selfcheck compare` answer, chart drawn, against the vendors' rules: every behaviour and marker rated
 * on both sides, two mentors with long names, rubric versions that differ, a year of sessions.
 */
const me: CoachRef = { platform: 'console', tenant: 'local', user: 'largest' };
const BEHAVIOURS = { context: 5, respect: 1, talents: 4, empathy: 2, feelings: 3, openness: 5 };
const MARKERS = { '4.1': 'observed', '4.2': 'partly', '4.3': 'not_observed', '4.4': 'observed' } as const;

test('the largest comparison fits a Slack message and a Teams card, with its chart', async () => {
  const t = makeTrellis('2026-11-24T12:00:00Z', 'UTC', { charts: true });
  try {
    t.trellis.handleText(me, 'help');
    const coach = coachIdOf(t.db, 'largest');
    const names = ['Maria-Magdalena Alexandrova-Featherstonehaugh', 'Bartholomew Oyelaran-Castellanos'];
    const mentors = names.map((name, i) =>
      addMentorCoach(t.db, { platform: 'console', tenant: 'local', user: `m${i}`, name }),
    );
    const relations = mentors.map((m) => addRelation(t.db, coach, m));
    for (let week = 0; week < 52; week++) {
      const date = new Date(Date.parse('2025-11-24T00:00:00Z') + week * 7 * 86_400_000).toISOString().slice(0, 10);
      const s = addSession(t.db, coach, date, { markers: MARKERS });
      addBehaviourRatings(t.db, s, 'self', coach, BEHAVIOURS, `${date}T18:00:00Z`);
      for (const [i, m] of mentors.entries()) {
        share(t.db, s, relations[i]);
        const version = week % 7 === 0 && i === 1 ? '2027.1' : '2025.1';
        const theirs = Object.fromEntries(Object.entries(BEHAVIOURS).map(([k, v]) => [k, ((v + week + i) % 5) + 1]));
        mentorRates(
          t.db,
          s,
          m,
          theirs,
          { '4.1': 'partly', '4.2': 'observed', '4.3': 'partly', '4.4': 'not_observed' },
          `${date}T2${i}:00:00Z`,
          version,
        );
      }
    }
    const reply = t.trellis.handleText(me, '/selfcheck compare');
    if (reply.type !== 'messages') throw new Error('expected messages');
    const drawn = await t.trellis.compare.drawCharts(reply.messages);
    expect(drawn).toHaveLength(2);
    expect(drawn[0].fields).toHaveLength(10);
    expect(drawn[1].image?.png.length).toBeGreaterThan(1000);
    for (const m of drawn) {
      expect(
        checkSlackMessage('compare', {
          text: renderFallbackText(m),
          blocks: renderBlocks(m) as unknown as Record<string, unknown>[],
        }),
      ).toEqual([]);
      expect(checkTeamsActivity('compare', renderActivity(m) as Record<string, unknown>)).toEqual([]);
    }
    const activity = renderActivity(drawn[1]) as Record<string, unknown>;
    const image = JSON.stringify(activity).match(/data:image\/png;base64,[A-Za-z0-9+/=]+/)?.[0] as string;
    const size = dataUriPng(image);
    expect(size?.width).toBe(1024);
    expect(size?.height).toBeLessThanOrEqual(1024);
  } finally {
    t.close();
  }
}, 60000);
