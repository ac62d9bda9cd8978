import { TrellisError } from './errors';
import { splitLongText } from './long-text';
import { type Message, message } from './message';
import type { Coach, CoachRef, PromptIssue, Reflection } from './model';
import type { Clock, Logger, Repositories } from './ports';
import { REFLECTION_MAX } from './reflections';
import { cleanText } from './selfcheck';
import type { RequestContext } from './trellis';

/** Told when a coach sends a file or image: what they write is kept, attachments are not. */
export const FILE_NOT_KEPT =
  'The file itself is not kept: Trellis keeps only the words you write. Describe what it shows in a message if you want it in your journal.';

/** The longest free text kept (as entries of REFLECTION_MAX in a row): Slack's own limit for one message. */
export const LONG_TEXT_MAX = 40_000;

/** A text that might have been a mistyped command and is not answered within this many days is kept as an entry. */
export const PENDING_DAYS = 7;

/**
 * Every word that starts a command. A short text whose first word is one of these, or one typing slip away from
 * one ("histroy"), might be a command gone wrong: Trellis asks before keeping it (see `looksLikeCommand`).
 */
const COMMAND_WORDS = [
  'selfcheck',
  'check',
  'help',
  'prompt',
  'history',
  'trend',
  'trends',
  'settings',
  'export',
  'delete',
  'digest',
  'summary',
  'week',
  'group',
  'share',
  'skip',
  'snooze',
  'cancel',
  'journal',
  'keep',
  'discard',
  'deeper',
  'tip',
];

/** The commands parseConversationCommand reads, also as `/selfcheck <name>`. */
export const CONVERSATION_COMMANDS = ['journal', 'skip', 'snooze', 'keep', 'discard', 'cancel'] as const;

/** At most this many words, on one line, for a text to be taken for a command gone wrong. */
const AMBIGUOUS_MAX_WORDS = 3;
const AMBIGUOUS_MAX_CHARS = 40;

/**
 * The conversation's own commands, in their exact forms: acting on the open prompt (skip, snooze), on a text
 * Trellis asked about (keep, discard, cancel), and re-reading the journal. Commands whether or not a prompt is open.
 */
export function parseConversationCommand(text: string): { name: string; args: string } | undefined {
  const word = /^\/?(skip|snooze|cancel|keep|discard)$/i.exec(text);
  if (word) return { name: word[1].toLowerCase(), args: '' };
  const journal =
    /^\/?journal(?:\s+(more|page\s+\d{1,4}|\d{4}-\d{2}(?:\s+(?:more|page\s+\d{1,4}))?|search\s+\S[\s\S]*))?$/i.exec(
      text,
    );
  if (journal) return { name: 'journal', args: (journal[1] ?? '').trim() };
  return undefined;
}

/** Optimal string alignment distance: edits, with a swap of neighbours counting as one ("histroy"). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The command word a text's first word is, or is one slip away from (words of four letters or more). */
export function nearestCommandWord(text: string): string | undefined {
  const first = (text.trim().split(/\s+/)[0] ?? '')
    .toLowerCase()
    .replace(/^\//, '')
    .replace(/[.,!?:;]+$/, '');
  if (first === '') return undefined;
  if (COMMAND_WORDS.includes(first)) return first;
  if (first.length < 4) return undefined;
  return COMMAND_WORDS.find((w) => w.length >= 4 && editDistance(first, w) <= 1);
}

/**
 * The rule for "is this a command gone wrong?": one line of at most three words and 40 characters whose first word
 * is a command word or one slip away from one ("histroy", "settings 9am", "skip it", "help me"). Exact commands never
 * get here; longer texts are always kept at once.
 */
export function looksLikeCommand(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length > AMBIGUOUS_MAX_CHARS || /\n/.test(trimmed)) return false;
  if (trimmed.split(/\s+/).length > AMBIGUOUS_MAX_WORDS) return false;
  return nearestCommandWord(trimmed) !== undefined;
}

/** What the conversation needs from the rest of the core (Trellis supplies it). */
export interface ConversationCore {
  coach(ref: CoachRef, ctx?: Ctx): Coach;
  openPrompt(coach: Coach): PromptIssue | undefined;
  saveReflection(
    ref: CoachRef,
    text: string,
    ctx: Ctx,
    promptIssueId?: number | null,
    writtenAt?: Date,
  ): { reflection: Reflection; created: boolean; reply: Message };
  setPromptStatus(ref: CoachRef, issueId: number, status: 'skipped' | 'snoozed', ctx?: Ctx): Message;
  help(): Message;
}

export interface ConversationDeps {
  repos: Repositories;
  clock: Clock;
  log: Logger;
}

type Ctx = RequestContext;

/**
 * What happens to text a coach sends that is not a command: nothing is ever discarded. It answers the open prompt,
 * or becomes a journal entry of its own, or (when it looks like a command gone wrong) waits, sealed in the store,
 * until the coach says which it was.
 */
export class Conversation {
  constructor(
    private readonly deps: ConversationDeps,
    private readonly core: ConversationCore,
  ) {}

  /** Free text in the coach's DM. */
  freeText(ref: CoachRef, text: string, ctx: Ctx): Message {
    if (ctx.channel && ctx.channel.kind !== 'direct') {
      return message('In a channel I take channel commands only; write your reflections to me in our direct messages.');
    }
    const coach = this.core.coach(ref, ctx);
    this.settleOldPending(ref, coach, ctx);
    if (text.trim() === '') return this.core.help();
    if (looksLikeCommand(text)) return this.ask(coach, text);
    const length = cleanText(text).length;
    if (length > LONG_TEXT_MAX) {
      // Past what Slack carries in one message: a paste gone wrong more likely than writing; nothing is stored half.
      throw new TrellisError(
        'invalid_reflection',
        `Your message is ${length.toLocaleString('en')} characters; one message keeps up to ${LONG_TEXT_MAX.toLocaleString('en')}. Send it in parts.`,
      );
    }
    if (length > REFLECTION_MAX) return this.saveInParts(ref, text, ctx);
    return this.core.saveReflection(ref, text, ctx).reply;
  }

  /**
   * A text longer than one entry holds is kept whole, as several entries in a row (long-text.ts): the first answers
   * the open prompt as any reply would, the rest follow as entries of their own. A retry saves none of it twice.
   */
  private saveInParts(ref: CoachRef, text: string, ctx: Ctx): Message {
    const parts = splitLongText(cleanText(text), REFLECTION_MAX);
    const first = this.deps.repos.transaction(() => {
      const saved = this.core.saveReflection(ref, parts[0], ctx);
      parts.slice(1).forEach((part, i) => {
        const requestKey = ctx.requestKey ? `${ctx.requestKey}:part${i + 2}` : undefined;
        this.core.saveReflection(ref, part, { ...ctx, requestKey }, null);
      });
      return saved;
    });
    const limit = REFLECTION_MAX.toLocaleString('en');
    return {
      ...first.reply,
      lines: [
        `That is longer than one journal entry holds (${limit} characters), so it is kept whole as ${parts.length} entries in a row.`,
        ...first.reply.lines,
      ],
    };
  }

  private ask(coach: Coach, text: string): Message {
    const pending = this.deps.repos.pendingTexts.add({
      coachId: coach.id,
      text,
      promptIssueId: this.core.openPrompt(coach)?.id ?? null,
      createdAt: this.deps.clock.now().toISOString(),
    });
    this.deps.log.info('text kept pending', { coach: coach.id, pendingId: pending.id });
    const value = String(pending.id);
    return message(
      [
        'That looks like it could be a command, so I have kept it aside for now. Should it go in your journal?',
        `Nothing is lost: if you do not answer, it is saved as a journal entry after ${PENDING_DAYS} days.`,
      ],
      {
        buttons: [
          { action: 'journal_keep', label: 'Save as a journal entry', value, style: 'primary' },
          { action: 'journal_discard', label: 'That was a command', value },
        ],
        footer: 'Or type "keep" to save it, or "discard" if it was a command.',
      },
    );
  }

  /**
   * The coach's answer about a pending text: `id` from a button, or the latest one for a typed keep / discard.
   * Pressing twice is harmless: the second press finds nothing waiting.
   */
  answer(ref: CoachRef, keep: boolean, ctx: Ctx, id?: number): Message {
    const coach = this.core.coach(ref, ctx);
    const { pendingTexts } = this.deps.repos;
    const pending = id === undefined ? pendingTexts.forCoach(coach.id).at(-1) : pendingTexts.byId(id);
    if (!pending || pending.coachId !== coach.id)
      return message('Nothing is waiting for an answer: that text was already saved or set aside.');
    if (!keep) {
      pendingTexts.remove(pending.id);
      this.deps.log.info('pending text set aside', { coach: coach.id, pendingId: pending.id });
      const word = nearestCommandWord(pending.text);
      const hint = word ? ` Did you mean "${word}"? ` : ' ';
      return message(`Set aside; it is not in your journal.${hint}Type "help" for the commands.`);
    }
    const open = this.core.openPrompt(coach);
    const answers = open && open.id === pending.promptIssueId ? open.id : null;
    const saved = this.deps.repos.transaction(() => {
      const result = this.core.saveReflection(
        ref,
        pending.text,
        { ...ctx, requestKey: `pending:${pending.id}` },
        answers,
      );
      pendingTexts.remove(pending.id);
      return result;
    });
    return saved.reply;
  }

  /** Pending texts older than PENDING_DAYS become journal entries, dated when they were written. */
  private settleOldPending(ref: CoachRef, coach: Coach, ctx: Ctx): void {
    const cutoff = this.deps.clock.now().getTime() - PENDING_DAYS * 24 * 60 * 60 * 1000;
    for (const pending of this.deps.repos.pendingTexts.forCoach(coach.id)) {
      if (Date.parse(pending.createdAt) > cutoff) continue;
      this.deps.repos.transaction(() => {
        this.core.saveReflection(
          ref,
          pending.text,
          { ...ctx, requestKey: `pending:${pending.id}` },
          null,
          new Date(pending.createdAt),
        );
        this.deps.repos.pendingTexts.remove(pending.id);
      });
    }
  }

  /** Typed skip, snooze, keep, discard and cancel. */
  command(ref: CoachRef, name: string, ctx: Ctx): Message {
    if (name === 'skip' || name === 'snooze')
      return this.promptStatus(ref, name === 'skip' ? 'skipped' : 'snoozed', ctx);
    if (name === 'keep' || name === 'discard') return this.answer(ref, name === 'keep', ctx);
    return this.cancel(ref, ctx);
  }

  /** Typed skip / snooze: they act on the open prompt. */
  promptStatus(ref: CoachRef, status: 'skipped' | 'snoozed', ctx: Ctx): Message {
    const open = this.core.openPrompt(this.core.coach(ref, ctx));
    if (!open) {
      throw new TrellisError(
        'no_prompt',
        `There is no open prompt to ${status === 'skipped' ? 'skip' : 'snooze'}. Type "prompt" for today's.`,
      );
    }
    return this.core.setPromptStatus(ref, open.id, status, ctx);
  }

  /** Typed cancel: sets aside the text Trellis asked about, if any; otherwise there is nothing to cancel. */
  cancel(ref: CoachRef, ctx: Ctx): Message {
    const coach = this.core.coach(ref, ctx);
    if (this.deps.repos.pendingTexts.forCoach(coach.id).length === 0)
      return message('Nothing to cancel; nothing changed.');
    return this.answer(ref, false, ctx);
  }
}
