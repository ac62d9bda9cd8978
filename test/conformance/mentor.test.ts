import { COMMENT_MAX } from '../../src/core/mentor-input';
import { inviteMessage, ratedMessage, sharedMessage } from '../../src/core/mentor-messages';
import type { MentorRelation, MentorReview, SharedSession } from '../../src/core/mentor-model';
import { type Message, toPlainText } from '../../src/core/message';
import type { Coach } from '../../src/core/model';
import { defaultSettings } from '../../src/core/settings';
import { mentorRatingModal } from '../../src/platforms/slack/mentor-modal';
import { renderBlocks, renderFallbackText } from '../../src/platforms/slack/render';
import { mentorCardActivity } from '../../src/platforms/teams/mentor-card';
import { renderActivity } from '../../src/platforms/teams/render';
import { checkSlackMessage, checkSlackView } from './block-kit';
import { checkTeamsActivity } from './teams';

/**
 * The mentor's surfaces at their largest, against Block Kit's limits and the Adaptive Card schema: the invitation,
 * a session to rate and a rating received (a 3,000-character comment, a long name, 12-digit ids), the rating
 * modal and card (with a problem beside every field). The fakes accept anything; these rules are the vendors'.
 */
const coach = (name: string): Coach => ({
  id: 1,
  platform: 'slack',
  tenant: 'T1',
  user: 'U1',
  displayName: name,
  settings: defaultSettings('UTC'),
  timeZoneSetByCoach: false,
  createdAt: '2026-11-24T09:00:00Z',
  welcomedAt: null,
});
const longName = 'Dr. Alexandra Maria-Theresa van der Berg-Oppenheimer';
const bigId = 999_999_999_999;
const relation: MentorRelation = {
  id: bigId,
  coachId: 1,
  mentorCoachId: 2,
  status: 'invited',
  invitedAt: '2026-11-24T09:00:00Z',
  answeredAt: null,
  endedAt: null,
  endedBy: null,
};
const shared: SharedSession = {
  shareId: bigId,
  sessionId: bigId,
  relationId: bigId,
  coachId: 1,
  date: '2026-11-24',
  minutes: 600,
  participants: 100,
  sharedAt: '2026-11-24T09:00:00Z',
  rated: false,
};
const review: MentorReview = {
  sessionId: bigId,
  mentorCoachId: 2,
  behaviours: { context: 5, respect: 4, talents: 3, empathy: 2, feelings: 1, openness: 5 },
  markers: [
    { marker: '4.1', observed: 'observed' },
    { marker: '4.2', observed: 'partly' },
    { marker: '4.3', observed: 'not_observed' },
    { marker: '4.4', observed: 'observed' },
  ],
  comment: `${'w'.repeat(COMMENT_MAX - 10).replace(/w{9}/g, 'wwwwwwww ')}last-word`,
  rubricVersion: '2025.1',
  ratedAt: '2026-11-24T09:00:00Z',
};
const messages: [string, Message][] = [
  ['invitation', inviteMessage(coach(longName), relation)],
  ['a session to rate', sharedMessage(coach(longName), shared)],
  ['a rating received', ratedMessage(coach(longName), review)],
];

describe('mentor surfaces conform', () => {
  test.each(messages)('Slack: %s', (_what, m) => {
    expect(checkSlackMessage('dm', { text: renderFallbackText(m), blocks: renderBlocks(m) })).toEqual([]);
  });

  test.each(messages)('Teams: %s', (_what, m) => {
    expect(checkTeamsActivity('dm', renderActivity(m) as Record<string, unknown>)).toEqual([]);
  });

  test('the whole comment reaches the coach in every rendering', () => {
    const [, rated] = messages[2];
    expect(toPlainText(rated).replace(/\s+/g, ' ')).toContain(review.comment);
    const slackText = JSON.stringify(renderBlocks(rated));
    expect(slackText).toContain('last-word');
    expect(JSON.stringify(renderActivity(rated))).toContain('last-word');
  });

  test('the rating modal and card, empty and with a problem beside every field', () => {
    expect(checkSlackView('modal', mentorRatingModal(shared))).toEqual([]);
    const errors = Object.fromEntries(
      ['context', 'respect', 'talents', 'empathy', 'feelings', 'openness', 'observed_4.1', 'comment'].map((k) => [
        k,
        'The rating for this behaviour is out of range: ratings go from 1 to 5 (1 Not yet, 2 Rarely, 3 Sometimes).',
      ]),
    );
    for (const activity of [
      mentorCardActivity(shared),
      mentorCardActivity(shared, { values: { context: '3', comment: review.comment ?? '' }, errors }),
    ])
      expect(checkTeamsActivity('card', activity as Record<string, unknown>)).toEqual([]);
  });
});
