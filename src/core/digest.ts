import { BEHAVIOUR_KEYS, type BehaviourKey, behaviour } from './behaviours';
import { BAND_LEVEL, BAND_WORDS, type Band, type DigestFigures, highestAndLowest } from './group-figures';
import type { SharedReflection } from './groups';
import { type Message, message } from './message';
import type { ChartData } from './ports';
import type { GroupQuestion } from './prompt-schema';
import { type PromptCatalog, promptById } from './prompts';
import { formatWeek, weekNumber } from './trends';

/** The fewest contributors before a group figure is shown, whatever the configuration says. */
export const MIN_GROUP_SIZE_FLOOR = 3;

/** One published (or previewed) week of figures. */
export interface DigestWeek {
  weekStart: string;
  figures: DigestFigures;
}

/**
 * What the digest builder is given: the figures of the reported week and of earlier published weeks, and the
 * reflections members chose to share. None of it can hold one coach's rating, note or unshared reflection.
 */
export interface DigestInput {
  groupName: string | null;
  /** The reported (closed) week. */
  week: DigestWeek;
  /** False: a preview of a week not yet published (the CLI's dry run). */
  published: boolean;
  /** Published weeks before the reported one, newest first (at most 7 are drawn). */
  earlier: readonly DigestWeek[];
  shared: readonly SharedReflection[];
  minGroupSize: number;
  catalog: PromptCatalog;
}

/** One behaviour in the group view: a band only when enough members rated it. */
export interface GroupBehaviour {
  key: BehaviourKey;
  band: Band | null;
  /** The band of the last published week before, when it showed this behaviour. */
  previous: Band | null;
  /** Band levels (1 few, 2 about half, 3 most) over the last published weeks, oldest first; null where not shown. */
  series: (number | null)[];
}

export interface Digest {
  weekStart: string;
  groupName: string | null;
  published: boolean;
  members: number;
  enough: boolean;
  minGroupSize: number;
  behaviours: GroupBehaviour[];
  highest: BehaviourKey[];
  lowest: BehaviourKey[];
  /** Mondays of the weeks in each behaviour's series. */
  seriesWeeks: string[];
  focus: { key: BehaviourKey; reason: 'lowest' | 'rotation' };
  question?: GroupQuestion;
  shared: { text: string; behaviours: BehaviourKey[] }[];
}

/** Weeks the chart draws: the reported one and up to seven published before it. */
const CHART_WEEKS = 8;

/** The focus: a behaviour at the lowest band; among several (or with none shown), the week's turn in rotation. */
function chooseGroupFocus(bands: DigestFigures['bands'], week: number): Digest['focus'] {
  const start = ((week % 6) + 6) % 6;
  const inRotation = BEHAVIOUR_KEYS.map((_, i) => BEHAVIOUR_KEYS[(start + i) % 6]);
  const { lowest } = highestAndLowest(bands);
  const pick = inRotation.find((k) => lowest.includes(k));
  return pick ? { key: pick, reason: 'lowest' } : { key: inRotation[0], reason: 'rotation' };
}

/** The group's view of the reported week. */
export function buildDigest(input: DigestInput): Digest {
  const min = Math.max(MIN_GROUP_SIZE_FLOOR, input.minGroupSize);
  const { week } = input;
  const weekNo = weekNumber(week.weekStart);
  const charted = [...input.earlier.slice(0, CHART_WEEKS - 1)].reverse().concat(week);
  const before = input.earlier[0];
  const behaviours = BEHAVIOUR_KEYS.map(
    (key): GroupBehaviour => ({
      key,
      band: week.figures.bands[key],
      previous: before?.figures.bands[key] ?? null,
      series: charted.map((w) => {
        const band = w.figures.bands[key];
        return band ? BAND_LEVEL[band] : null;
      }),
    }),
  );
  const focus = chooseGroupFocus(week.figures.bands, weekNo);
  const questions = input.catalog.groupQuestions.filter((q) => q.behaviours.includes(focus.key));
  const question = questions.length ? questions[Math.abs(weekNo) % questions.length] : undefined;

  return {
    weekStart: week.weekStart,
    groupName: input.groupName,
    published: input.published,
    members: week.figures.members,
    enough: week.figures.enough,
    minGroupSize: min,
    behaviours,
    ...highestAndLowest(week.figures.bands),
    seriesWeeks: charted.map((w) => w.weekStart),
    focus,
    question,
    shared: input.shared.map((r) => ({
      text: r.text,
      behaviours: (r.promptId ? promptById(input.catalog, r.promptId)?.behaviours : undefined) ?? [],
    })),
  };
}

const TOO_FEW = 'too few members rated it to show';

/** Shared reflections shown in one digest; a channel message has room for about this many in full. */
export const MAX_SHARED_SHOWN = 10;
/** Longest line a platform shows whole (a Slack section holds 3,000 characters). */
const LINE_MAX = 2800;

/** A long text as lines no longer than LINE_MAX, broken between words, so no platform cuts it short. */
export function paragraphs(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > LINE_MAX) {
    const cut = rest.lastIndexOf(' ', LINE_MAX);
    const at = cut > LINE_MAX / 2 ? cut : LINE_MAX;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}

const names = (keys: readonly BehaviourKey[]) => keys.map((k) => behaviour(k).short).join(' and ');

/** "up from about half", "same", or nothing when the last published week did not show it. */
function changeWords(b: GroupBehaviour): string {
  if (!b.band || !b.previous) return '';
  if (b.band === b.previous) return 'same as last time';
  return `${BAND_LEVEL[b.band] > BAND_LEVEL[b.previous] ? 'up' : 'down'} from ${BAND_WORDS[b.previous]}`;
}

/** The one line saying how the figures are made; true of every digest. */
export function figuresFooter(min: number): string {
  return `Figures are shares of members who rated each behaviour Often or Consistently, shown in broad bands (few, about half, most) and only when at least ${min} members rated it; figures are fixed when the week closes. No one's own ratings or notes appear here, and a reflection only when its author shared it, without their name.`;
}

/** The digest as a platform-neutral message for the group's channel. */
export function digestMessage(d: Digest): Message {
  const shownAny = d.behaviours.some((b) => b.band !== null);
  const lines: string[] = [];
  if (!d.published) lines.push('Preview, not yet published: these figures are fixed only when the digest goes out.');
  lines.push(
    `${d.members} member${d.members === 1 ? '' : 's'} at the end of the week; ${
      d.enough
        ? `at least ${d.minGroupSize} members checked in during the week.`
        : `fewer than ${d.minGroupSize} members checked in during the week, so there are no group figures this week. They appear for any week in which at least ${d.minGroupSize} members check in.`
    }`,
  );
  if (d.highest.length) {
    lines.push(`Rated highest this week: ${names(d.highest)}. Rated lowest: ${names(d.lowest)}.`);
  }
  const focusWhy = d.focus.reason === 'lowest' ? 'rated lowest in the group' : "the week's turn in rotation";
  lines.push(`*Focus for the group: ${behaviour(d.focus.key).short}* (${focusWhy}). ${behaviour(d.focus.key).label}.`);
  if (d.question) lines.push(`*To discuss at your next meeting:* ${d.question.text}`);
  if (d.shared.length) {
    lines.push(`*Shared by members since the last digest* (${d.shared.length}, without names):`);
    for (const s of d.shared.slice(0, MAX_SHARED_SHOWN)) {
      const about = s.behaviours.length ? ` (on ${names(s.behaviours)})` : '';
      lines.push(...paragraphs(`“${s.text}”${about}`));
    }
    const more = d.shared.length - MAX_SHARED_SHOWN;
    if (more > 0) lines.push(`…and ${more} more; the digest shows the first ${MAX_SHARED_SHOWN}.`);
  } else {
    lines.push(
      'No reflections were shared since the last digest. To share one of yours, type /selfcheck share in your DM.',
    );
  }
  return message(lines, {
    title: `Peer-supervision digest${d.groupName ? ` for ${d.groupName}` : ''}: ${formatWeek(d.weekStart)}`,
    preformatted: shownAny
      ? [
          'Behaviour  Often or Consistently  change',
          ...d.behaviours.map(
            (b) =>
              `${behaviour(b.key).short.padEnd(9)}  ${b.band ? `${BAND_WORDS[b.band].padEnd(21)}  ${changeWords(b)}`.trimEnd() : TOO_FEW}`,
          ),
        ]
      : undefined,
    footer: figuresFooter(d.minGroupSize),
  });
}

/** The group chart over the published weeks, or undefined when there is no band to draw. */
export function digestChart(d: Digest): { data: ChartData; alt: string; filename: string } | undefined {
  if (!d.behaviours.some((b) => b.series.some((v) => v !== null))) return undefined;
  const weeks = d.seriesWeeks.length;
  return {
    data: {
      title: `Share rating each behaviour Often or Consistently, ${weeks} published week${weeks === 1 ? '' : 's'} to ${formatWeek(d.weekStart)}`,
      weekStarts: d.seriesWeeks,
      series: d.behaviours.map((b) => ({ label: behaviour(b.key).short, values: b.series })),
      scale: { title: 'Share at Often or Consistently', labels: ['few', 'about half', 'most'] },
    },
    alt: `Bar chart per behaviour over the last ${weeks} published digest week${weeks === 1 ? '' : 's'} to ${formatWeek(d.weekStart)}: the share of members who rated it Often or Consistently, as a band (1 few, 2 about half, 3 most); no bar where too few members rated it.`,
    filename: `trellis-digest-${d.weekStart}.png`,
  };
}
