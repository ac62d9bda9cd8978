import { TrellisError } from './errors';
import { excerpt } from './excerpt';
import { type FileAttachment, type Message, message } from './message';
import type { Coach, CoachRef } from './model';
import { gatherPortfolio, type PortfolioData, portfolioIds } from './portfolio-data';
import { type PortfolioFileKind, type PortfolioPeriod, parsePeriod, periodSchema, periodText } from './portfolio-model';
import type { Clock, Logger, Repositories } from './ports';
import { localDate } from './time';

/**
 * `/selfcheck portfolio [from] [to]` (issue #15): a PDF a coach can give a mentor or keep for an application, and
 * the coaching log and mentor-coaching log as CSV in the columns of ICF's templates; `portfolio reflections`,
 * `include N`, `exclude N` tick the reflections that go in it. Platforms deliver the files the way they deliver an
 * export (Slack: the DM; Teams: a consent card per file; the terminal: a folder). Every delivery is audited by ids.
 */

export interface PortfolioDeps {
  repos: Repositories;
  clock: Clock;
  log: Logger;
}

/** What the commands read from the platform's request (RequestContext's fields). */
interface PortfolioContext {
  requestKey?: string;
  timeZone?: string;
  displayName?: string;
  filesOnConsent?: boolean;
  channel?: { id: string; kind: 'direct' | 'group'; name?: string };
}

/** How many recent reflections `portfolio reflections` lists. */
export const LIST_LIMIT = 15;

const PICK_USAGE =
  'Tick a reflection with "/selfcheck portfolio include N" (N from "/selfcheck portfolio reflections"); "exclude N" unticks it.';

const fail = (text: string): never => {
  throw new TrellisError('invalid_session', text);
};

/** The files' names carry the period: "trellis-portfolio-2026-01-01-2026-06-30.pdf". */
function stem(period: PortfolioPeriod): string {
  return `${period.from ?? 'start'}-${period.to}`;
}

/**
 * One file of a portfolio, built from its data. The PDF and CSV writers (pdfkit with its fonts, csv-stringify: some
 * 12 MB resident) are loaded on the first portfolio, not in every process that only serves or sends. (`require`,
 * not `import()`: it stays synchronous, as in src/schedule/messengers.ts.)
 */
export function portfolioFile(data: PortfolioData, kind: PortfolioFileKind, createdAt: Date): FileAttachment {
  const { period } = data;
  const { portfolioPdf } = require('./portfolio-pdf') as typeof import('./portfolio-pdf');
  const { coachingLogCsv, mentoringLogCsv } = require('./portfolio-csv') as typeof import('./portfolio-csv');
  if (kind === 'portfolio-pdf')
    return {
      filename: `trellis-portfolio-${stem(period)}.pdf`,
      kind,
      mimeType: 'application/pdf',
      content: Buffer.from(portfolioPdf(data, createdAt)).toString('base64'),
      encoding: 'base64',
      period,
    };
  if (kind === 'portfolio-coaching-log')
    return {
      filename: `trellis-coaching-log-${stem(period)}.csv`,
      kind,
      mimeType: 'text/csv',
      content: coachingLogCsv(data.sessions),
      period,
    };
  return {
    filename: `trellis-mentoring-log-${stem(period)}.csv`,
    kind,
    mimeType: 'text/csv',
    content: mentoringLogCsv(data.mentoring),
    period,
  };
}

export const PORTFOLIO_FILES: readonly PortfolioFileKind[] = [
  'portfolio-pdf',
  'portfolio-coaching-log',
  'portfolio-mentoring-log',
];

export class Portfolio {
  constructor(
    private readonly deps: PortfolioDeps,
    private readonly coachOf: (ref: CoachRef, ctx?: PortfolioContext) => Coach,
  ) {}

  private today(coach: Coach): string {
    return localDate(this.deps.clock.now(), coach.settings.timeZone);
  }

  /** `/selfcheck portfolio …`: the files, the list of reflections, or ticking one. */
  run(ref: CoachRef, args: string, ctx: PortfolioContext = {}): Message {
    const coach = this.coachOf(ref, ctx);
    const [first = '', ...rest] = args.trim().split(/\s+/);
    const word = first.toLowerCase();
    if (word === 'reflections') {
      if (rest.length) return fail('Type "/selfcheck portfolio reflections" on its own to list them.');
      // The files always go to the coach's DM; the list quotes reflections, so it shows only there.
      if (ctx.channel && ctx.channel.kind !== 'direct')
        return message('Your reflections are listed only in our direct messages, so nothing of them is shown here.');
      return this.list(coach);
    }
    if (word === 'include' || word === 'exclude') return this.tick(coach, word, rest);
    return this.offer(coach, parsePeriod(args, this.today(coach)), ctx);
  }

  /** The data of a coach's portfolio (the CLI and the bench build the same files from it). */
  data(coach: Coach, period: PortfolioPeriod): PortfolioData {
    return gatherPortfolio(this.deps.repos, coach, period, this.today(coach));
  }

  /** Every file of a coach's portfolio. */
  files(coach: Coach, period: PortfolioPeriod): { data: PortfolioData; files: FileAttachment[] } {
    const data = this.data(coach, period);
    const now = this.deps.clock.now();
    return { data, files: PORTFOLIO_FILES.map((kind) => portfolioFile(data, kind, now)) };
  }

  /** Records a delivered portfolio (or one file of it) in the audit log: ids only. */
  audit(coach: Coach, data: PortfolioData, actor: string, file: PortfolioFileKind | 'all'): void {
    const { period } = data;
    this.deps.repos.privacy.audit({
      at: this.deps.clock.now().toISOString(),
      coachId: coach.id,
      action: 'export',
      actor,
      objectIds: {
        file: file === 'all' ? 'portfolio' : file,
        from: period.from ?? null,
        to: period.to,
        ...portfolioIds(data),
      },
    });
  }

  private offer(coach: Coach, period: PortfolioPeriod, ctx: PortfolioContext): Message {
    const { data, files } = this.files(coach, period);
    if (data.sessions.length + data.mentoring.length + data.reflections.length + data.ratings.length === 0)
      return message(
        `There is nothing for a portfolio in ${periodText(period)} yet: log a session ("/selfcheck session 60 paid C17") or mentor coaching ("/selfcheck mentoring 60 1:1"), or tick a reflection ("/selfcheck portfolio reflections").`,
      );
    if (!ctx.filesOnConsent) this.audit(coach, data, 'coach', 'all');
    this.deps.log.info(ctx.filesOnConsent ? 'portfolio offered' : 'portfolio made', {
      coach: coach.id,
      sessions: data.sessions.length,
      mentoring: data.mentoring.length,
      reflections: data.reflections.length,
    });
    return message(
      [
        `Your portfolio for ${periodText(period)}: ${data.sessions.length} session${data.sessions.length === 1 ? '' : 's'}, ${data.mentoring.length} mentor-coaching meeting${data.mentoring.length === 1 ? '' : 's'}, ${data.ratings.length} rating${data.ratings.length === 1 ? '' : 's'} of markers, ${data.comments.length} mentor comment${data.comments.length === 1 ? '' : 's'} and ${data.reflections.length} ticked reflection${data.reflections.length === 1 ? '' : 's'}.`,
        'The PDF is for your mentor or an application; the two CSV files are your coaching log and mentor-coaching log in the columns of ICF’s templates. They hold your client codes and your reflections: share them with care.',
      ],
      { title: 'Your portfolio', files, footer: 'Choose reflections for it: /selfcheck portfolio reflections' },
    );
  }

  /**
   * One portfolio file built afresh from what is stored now, for a platform that delivers it once the coach allows
   * it (Teams); audited only when the platform calls `delivered()`. Undefined when the coach is gone or the period
   * no longer reads (it was checked when the card was made; it is checked again).
   */
  file(ref: CoachRef, kind: PortfolioFileKind, period: unknown, actor = 'coach') {
    const coach = this.deps.repos.coaches.find(ref);
    const parsed = periodSchema.safeParse(period);
    if (!coach || !parsed.success) return undefined;
    const data = this.data(coach, parsed.data);
    const file = portfolioFile(data, kind, this.deps.clock.now());
    const delivered = () => {
      this.audit(coach, data, actor, kind);
      this.deps.log.info('portfolio file delivered', { coach: coach.id, actor, file: kind });
    };
    return { file, delivered };
  }

  private list(coach: Coach): Message {
    const picked = new Set(this.deps.repos.portfolioPicks.picks(coach.id));
    const recent = this.deps.repos.reflections.recent(coach.id, LIST_LIMIT);
    if (recent.length === 0)
      return message(
        'You have no reflections yet. Answer a prompt ("prompt") and the reflection can go in your portfolio.',
      );
    return message(
      [
        `Your ${recent.length} most recent reflection${recent.length === 1 ? '' : 's'}; ticked ones go in your portfolio PDF (in full, when they fall in its period):`,
      ],
      {
        title: 'Reflections for your portfolio',
        preformatted: recent.map(
          (r) =>
            `${picked.has(r.id) ? '[x]' : '[ ]'} ${String(r.id).padStart(4)}  ${r.localDate}  ${excerpt(r.text, 60)}`,
        ),
        footer: `${PICK_USAGE} ${picked.size} ticked in all.`,
      },
    );
  }

  private tick(coach: Coach, word: 'include' | 'exclude', rest: string[]): Message {
    const m = rest.length === 1 ? /^#?(\d{1,12})$/.exec(rest[0]) : null;
    if (!m) return fail(PICK_USAGE);
    const id = Number(m[1]);
    const { portfolioPicks } = this.deps.repos;
    if (word === 'exclude') {
      const removed = portfolioPicks.unpick(coach.id, id);
      this.deps.log.info('portfolio reflection unticked', { coach: coach.id, reflectionId: id, removed });
      return message(
        removed
          ? `Reflection ${id} is out of your portfolio now.`
          : `Reflection ${id} was not ticked, so nothing changed.`,
      );
    }
    const outcome = portfolioPicks.pick(coach.id, id, this.deps.clock.now().toISOString());
    if (outcome === 'unknown')
      return fail(`You have no reflection ${id}. "/selfcheck portfolio reflections" lists yours with their numbers.`);
    this.deps.log.info('portfolio reflection ticked', { coach: coach.id, reflectionId: id, outcome });
    return message(
      outcome === 'added'
        ? `Reflection ${id} goes in your portfolio PDF (in full). "/selfcheck portfolio" makes it.`
        : `Reflection ${id} is already in your portfolio; nothing changed.`,
    );
  }
}
