import { z } from 'zod';
import { behaviour } from './behaviours';
import { formatDate } from './dates';
import { paragraphs } from './digest';
import { TrellisError } from './errors';
import { type Message, message } from './message';
import type { Coach } from './model';
import type { Repositories } from './ports';
import { type PromptCatalog, promptById } from './prompts';
import { formatRatings } from './selfcheck';
import type { RequestContext } from './trellis';

/** Entries per page: five reflections of 4,000 characters stay well inside Slack's 50 blocks and Teams' card size. */
export const JOURNAL_PAGE_SIZE = 5;

const USAGE =
  'Use "journal", "journal more", "journal page 2", "journal 2026-11" for a month, or "journal search WORD".';

/** What `journal …` asks for, read from the words after "journal" (parseConversationCommand checked their shape). */
const journalQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'A month is written YYYY-MM, such as 2026-11.')
    .optional(),
  search: z.string().min(1).max(100, 'Search for a word or two, up to 100 characters.').optional(),
  page: z.union([z.number().int().min(1).max(9999), z.literal('more')]),
});
type JournalQuery = z.infer<typeof journalQuery>;

function parseQuery(args: string): JournalQuery {
  const text = args.trim();
  const search = /^search\s+([\s\S]+)$/i.exec(text);
  const paging = /^(?:(\d{4}-\d{2})\s*)?(more|page\s+(\d{1,4}))?$/i.exec(text);
  const raw = search
    ? { search: search[1].trim(), page: 1 }
    : {
        month: paging?.[1],
        page: paging?.[2]?.toLowerCase() === 'more' ? ('more' as const) : Number(paging?.[3] ?? 1),
      };
  if (!search && !paging) throw new TrellisError('invalid_journal', USAGE);
  const parsed = journalQuery.safeParse(raw);
  if (!parsed.success) throw new TrellisError('invalid_journal', `${parsed.error.issues[0]?.message} ${USAGE}`);
  return parsed.data;
}

interface Entry {
  at: string;
  heading: string;
  text: string;
}

export interface JournalDeps {
  repos: Repositories;
  catalog: PromptCatalog;
}

/**
 * The coach's own reflections and self-check notes, in full, newest first, a page at a time; by month or by a word.
 * Only in their DM: anywhere else nothing of it is shown. Search runs over decrypted text in memory, so it works with
 * encryption at rest, and the word is never logged.
 */
export class Journal {
  /** Where "journal more" goes on from: the last page each coach saw (in memory; after a restart it starts anew). */
  private readonly lastShown = new Map<number, { query: JournalQuery; page: number }>();

  constructor(private readonly deps: JournalDeps) {}

  show(coach: Coach, args: string, ctx: RequestContext): Message {
    if (ctx.channel && ctx.channel.kind !== 'direct') {
      return message('Your journal opens only in our direct messages, so nothing of it is shown here.');
    }
    let query = parseQuery(args);
    let page = query.page === 'more' ? 2 : query.page;
    if (query.page === 'more') {
      // "journal more" goes on from the last page shown; "journal 2026-11 more" too, when that was the month shown.
      const last = this.lastShown.get(coach.id);
      if (last && (query.month === undefined || query.month === last.query.month)) {
        query = last.query;
        page = last.page + 1;
      }
    }
    const entries = this.entries(coach, query);
    const pages = Math.max(1, Math.ceil(entries.length / JOURNAL_PAGE_SIZE));
    const title = `Your journal${query.month ? `, ${query.month}` : ''}${query.search ? ': entries with your search words' : ''}`;
    if (entries.length === 0) {
      const what = query.search
        ? 'No entry contains those words.'
        : query.month
          ? 'Nothing in your journal for that month.'
          : 'Your journal is empty. Type "prompt" for a question to reflect on, or simply write to me: every message that is not a command is kept here.';
      return message([what], { title });
    }
    if (page > pages) {
      return message([`That is past the end: your journal has ${pages} page${pages === 1 ? '' : 's'} here.`], {
        title,
        footer: USAGE,
      });
    }
    this.lastShown.set(coach.id, { query, page });
    const shown = entries.slice((page - 1) * JOURNAL_PAGE_SIZE, page * JOURNAL_PAGE_SIZE);
    const lines = shown.flatMap((e) => [`*${e.heading}*`, ...paragraphs(e.text)]);
    const more = page < pages ? ' · "journal more" for the next' : '';
    return message(lines, {
      title,
      footer: `Page ${page} of ${pages}, newest first${more} · only you see your journal. ${USAGE}`,
    });
  }

  private entries(coach: Coach, query: JournalQuery): Entry[] {
    const { repos, catalog } = this.deps;
    const from = query.month ? `${query.month}-01` : '0000-01-01';
    const to = query.month ? `${query.month}-31` : '9999-12-31';
    const reflections: Entry[] = repos.reflections.between(coach.id, from, to).map((r) => {
      const prompt = r.promptId ? promptById(catalog, r.promptId) : undefined;
      const about = prompt
        ? `reflection on ${prompt.behaviours.map((b) => behaviour(b).short).join(' and ')}`
        : 'journal entry';
      return { at: r.createdAt, heading: `${formatDate(r.localDate)} · ${about}`, text: r.text };
    });
    const notes: Entry[] = repos.selfChecks
      .between(coach.id, from, to)
      .filter((c) => c.note !== null)
      .map((c) => ({
        at: c.checkedAt,
        heading: `${formatDate(c.localDate)} · self-check note (${formatRatings(c.ratings)})`,
        text: c.note ?? '',
      }));
    const words = query.search?.toLocaleLowerCase('en').split(/\s+/);
    // Oldest first (stable, each list already in the order it was written), then turned round: newest first.
    return [...notes, ...reflections]
      .filter((e) => !words || words.every((w) => e.text.toLocaleLowerCase('en').includes(w)))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
      .reverse();
  }
}
