import { summaryCommand } from './coach-views';
import { CONVERSATION_COMMANDS, parseConversationCommand } from './conversation';
import { parseDeeperCommand, parseTipCommand } from './deeper';
import { isTrellisError, TrellisError } from './errors';
import { JOURNEY_SUBCOMMANDS, type SessionPrefill } from './journey';
import { type Message, message } from './message';
import type { CoachRef } from './model';
import type { Logger } from './ports';
import { typedProfile } from './profile-form';
import { parseQuickSelfCheck } from './selfcheck';
import type { RequestContext, Trellis } from './trellis';

/** What a typed command asks for: messages to show, or a form the platform presents its own way. */
export type Reply =
  | { type: 'messages'; messages: Message[] }
  | { type: 'selfcheck_form' }
  | { type: 'settings_form' }
  | { type: 'session_form'; prefill: SessionPrefill };

const messages = (...list: Message[]): Reply => ({ type: 'messages', messages: list });

/** The commands every platform understands, with or without a leading "/selfcheck". */
export const COMMANDS: readonly { usage: string; what: string }[] = [
  { usage: '/selfcheck', what: 'rate the six behaviours, then add an optional note for yourself' },
  { usage: '/selfcheck 4 3 5 4 4 2 [note]', what: 'record all six ratings in one go (use - to skip one)' },
  { usage: 'prompt', what: "today's reflection prompt; your next message is saved as your reflection" },
  { usage: 'history', what: 'your recent self-checks and reflections' },
  { usage: 'journal [more | page N | YYYY-MM | search WORD]', what: 're-read your reflections and notes in full' },
  { usage: 'skip | snooze', what: "skip today's prompt, or have it brought back later" },
  { usage: 'deeper', what: 'after a reflection: the next question on the same moment (felt, make of it, next)' },
  { usage: 'tip [behaviour]', what: 'a development tip, for your lowest behaviour or the one you name' },
  { usage: 'keep | discard', what: 'answer "Should it go in your journal?" about a text that looked like a command' },
  { usage: 'trend', what: 'per behaviour: this week, the change against the four weeks before, a sparkline' },
  { usage: 'settings', what: 'show or change prompt time, days, time zone, level, working toward, practice and pause' },
  {
    usage: 'settings profile level PCC toward MCC practice private,virtual',
    what: 'your credential, the one you work toward and your kinds of practice in one go (any part may be left out)',
  },
  { usage: 'help', what: 'this list' },
  {
    usage: '/selfcheck session [60 paid C17]',
    what: 'log a client session (form, or quick: minutes, paid/probono, code)',
  },
  { usage: '/selfcheck log [ACC|PCC|MCC]', what: 'your coaching and mentor-coaching hours against a credential' },
  { usage: '/selfcheck mentoring 60 1:1 | 90 group 6', what: 'log mentor-coaching hours' },
  {
    usage: '/selfcheck compare',
    what: "in our DM: your ratings of a session beside your mentor's, where you agree, and the gap over time",
  },
  {
    usage: '/selfcheck mentor invite @name',
    what: 'ask a mentor coach to see the sessions you share with them (in Teams: mention them, or give their email)',
  },
  { usage: 'mentor | mentor accept | mentor decline', what: 'your mentor coaches and invitations, and your answer' },
  { usage: 'mentor stop', what: 'end a mentoring link, from either side: the other is told, sharing stops' },
  {
    usage: 'share session N with mentor',
    what: 'a logged session for your mentor to rate; they never see its client code, evidence lines or your notes',
  },
  { usage: 'rate session N 4 3 5 4 4 2', what: "your own ratings of a logged session, to set beside your mentor's" },
  {
    usage: 'mentor sessions | mentor rate N',
    what: 'as a mentor: the sessions shared with you; Rate this session opens the rating card (behaviours, markers 4.1–4.4, a comment)',
  },
  {
    usage: '/selfcheck portfolio [from] [to]',
    what: 'a PDF for your mentor or an application, and your coaching and mentor-coaching logs as CSV (dates or months)',
  },
  {
    usage: '/selfcheck portfolio reflections | include N | exclude N',
    what: 'list your recent reflections, tick or untick one for the portfolio PDF',
  },
  { usage: 'settings after-session 10m|off', what: 'when a session-ended event sends the after-session form' },
  { usage: '/selfcheck export', what: 'all your data (self-checks, reflections, settings, prompts) as CSV and JSON' },
  { usage: '/selfcheck delete', what: 'delete everything Trellis holds about you (asks first)' },
  { usage: 'share', what: 'preview sharing your latest reflection with your peer-supervision group(s)' },
  { usage: 'digest here [day] [time]', what: 'in a channel: make it a peer-supervision channel with a weekly digest' },
  { usage: 'group join | group leave', what: 'in a peer-supervision channel: opt in to or out of its digest' },
  { usage: 'summary [now]', what: 'your weekly summary: the last whole week, or with "now" this week so far' },
  { usage: 'digest', what: 'in a peer-supervision channel, for its members: the last digest posted' },
  {
    usage: 'digest stop [remove-posts]',
    what: 'in a peer-supervision channel, for the coach who registered it: no more digests (and remove its posts)',
  },
];

export interface CommandDeps {
  log: Logger;
}

/** What typed commands call in the rest of the core (Trellis supplies it). */
export type CommandCore = Pick<
  Trellis,
  | 'coach'
  | 'now'
  | 'weekly'
  | 'groups'
  | 'journal'
  | 'conversation'
  | 'help'
  | 'todaysPrompt'
  | 'history'
  | 'trend'
  | 'changeSettings'
  | 'exportData'
  | 'requestDelete'
  | 'confirmDelete'
  | 'confirmDeleteMessages'
  | 'recordSelfCheck'
  | 'deeper'
  | 'tip'
  | 'journey'
  | 'today'
  | 'updateSettings'
  | 'mentors'
  | 'compare'
  | 'portfolio'
>;

/** Typed commands: reading a command from text and running it, or handing free text to the conversation. */
export class Commands {
  constructor(
    private readonly deps: CommandDeps,
    private readonly core: CommandCore,
  ) {}

  /** `digest here …`, `group …`, `share …`: peer-supervision commands (see group-commands.ts). */
  private weeklyCommand(ref: CoachRef, name: string, args: string, ctx: RequestContext): Message {
    const coach = this.core.coach(ref, ctx);
    if (name === 'summary') return summaryCommand(this.core.weekly, coach, this.core.now(), args);
    if (name === 'digest') return this.core.groups.digestCommand(coach, args, ctx.channel);
    if (name === 'group') return this.core.groups.group(coach, args, ctx.channel);
    const share = /^(confirm\s+)?(\d+)?$/i.exec(args.trim());
    if (!share) throw new TrellisError('unknown_command', 'Use "share" for your latest reflection, then press Share.');
    if (share[1]) {
      if (!share[2]) throw new TrellisError('unknown_command', 'Say which reflection: share confirm <number>.');
      return this.core.groups.confirm(coach, Number(share[2]), ctx.channel);
    }
    return this.core.groups.preview(coach, share[2] === undefined ? undefined : Number(share[2]), ctx.channel);
  }

  /**
   * Handles one typed message: a command, or free text, which is never discarded (see conversation.ts).
   * Errors a user can fix come back as a message saying what to fix; anything else is thrown.
   */
  handleText(ref: CoachRef, raw: string, ctx: RequestContext = {}): Reply {
    try {
      return this.route(ref, raw, ctx);
    } catch (error) {
      if (isTrellisError(error)) {
        if (error.code === 'storage_unavailable') {
          // Ids and the error's kind, never the text. A write that will run again once the lock is free is no
          // failure yet: it is logged at debug, so a busy moment does not fill the log with refusals that were not.
          this.deps.log[error.willRetry ? 'debug' : 'warn']('could not store', {
            platform: ref.platform,
            tenant: ref.tenant,
            user: ref.user,
            requestKey: ctx.requestKey,
            kind: error.code,
            detail: error.detail,
          });
        }
        return messages(message(error.message));
      }
      throw error;
    }
  }

  private route(ref: CoachRef, raw: string, ctx: RequestContext): Reply {
    const text = raw.trim();
    const command = parseCommand(text) ?? parseCommand(withoutEndPunctuation(text));
    if (command) return this.runCommand(ref, command.name, command.args, ctx);
    return messages(this.core.conversation.freeText(ref, text, ctx));
  }

  /** Runs a `/selfcheck` subcommand or a top-level command; `args` is what follows its name. */
  runCommand(ref: CoachRef, name: string, args: string, ctx: RequestContext = {}): Reply {
    switch (name) {
      case 'selfcheck':
        if (args === '') return { type: 'selfcheck_form' };
        return this.runSelfcheckArgs(ref, args, ctx);
      case 'help':
        // A first "help" is first contact too: the coach is registered, so the welcome can follow.
        this.core.coach(ref, ctx);
        return messages(this.core.help());
      case 'prompt':
        return messages(this.core.todaysPrompt(ref, ctx).reply);
      case 'history':
        return messages(this.core.history(ref, ctx));
      case 'journal':
        return messages(this.core.journal.show(this.core.coach(ref, ctx), args, ctx));
      case 'skip':
      case 'snooze':
      case 'keep':
      case 'discard':
      case 'cancel':
        return messages(this.core.conversation.command(ref, name, ctx));
      case 'trend':
        return messages(this.core.trend(ref, ctx));
      case 'deeper':
        return messages(this.core.deeper.offer(ref, undefined, ctx));
      case 'tip':
        return messages(this.core.tip(ref, args, ctx));
      case 'settings': {
        const after = /^after-?session\b\s*([\s\S]*)$/i.exec(args.trim());
        if (after) return messages(this.core.journey.afterSessionSetting(ref, after[1], ctx));
        const profile = /^profile\b\s*([\s\S]*)$/i.exec(args.trim());
        if (profile) return messages(typedProfile(this.core, ref, profile[1], ctx));
        return messages(this.core.changeSettings(ref, args, ctx));
      }
      case 'export':
        return messages(this.core.exportData(ref, 'coach', ctx));
      case 'delete': {
        const what = /^(messages\s*)?(confirm)?$/i.exec(args.trim());
        if (what?.[1] && what[2]) return messages(this.core.confirmDeleteMessages(ref));
        if (what?.[2]) {
          ctx.turn?.deleting(); // the coach's row goes: the platform asks whether it went (coach-turn.ts)
          return messages(this.core.confirmDelete(ref));
        }
        return messages(this.core.requestDelete(ref.platform, Boolean(what?.[1])));
      }
      case 'mentor':
        return messages(this.core.mentors.run(ref, args, ctx));
      case 'rate':
        if (!/^session\b/i.test(args.trim()))
          throw new TrellisError('unknown_command', "Rate a session's six behaviours: rate session N 4 3 5 4 4 2.");
        return messages(this.core.mentors.sessions.selfRate(ref, args.trim().replace(/^session\s*/i, ''), ctx));
      case 'share':
        // "share session N with mentor": a client session for the mentor; plain "share" is a reflection for a group.
        if (/^session\b/i.test(args.trim())) return messages(this.core.mentors.sessions.share(ref, args, ctx));
        return messages(this.weeklyCommand(ref, name, args, ctx));
      case 'digest':
      case 'group':
      case 'summary':
        return messages(this.weeklyCommand(ref, name, args, ctx));
      default:
        throw new TrellisError('unknown_command', 'I do not know that command. Type "help" for the list.');
    }
  }

  /** `/selfcheck <args>`: a subcommand, or the quick ratings form. */
  runSelfcheckArgs(ref: CoachRef, args: string, ctx: RequestContext = {}): Reply {
    const [first, ...rest] = args.trim().split(/\s+/);
    const sub = first.toLowerCase();
    if (sub === 'export' || sub === 'delete') return this.runCommand(ref, sub, rest.join(' '), ctx);
    if (GROUP_SUBCOMMANDS.has(sub)) return this.runCommand(ref, sub, rest.join(' '), ctx);
    // A bare "/selfcheck settings" opens the platform's settings form; with arguments it changes one setting.
    if (sub === 'settings' && rest.length === 0) return { type: 'settings_form' };
    if (SUBCOMMANDS.has(sub)) return this.runCommand(ref, sub, rest.join(' '), ctx);
    if (sub === 'mentor' || sub === 'rate') return this.runCommand(ref, sub, rest.join(' '), ctx);
    if (sub === 'mentoring') {
      const journey = () => {
        const out = this.core.journey.run(ref, sub, rest.join(' '), ctx);
        return 'message' in out ? out.message : message('Type /selfcheck mentoring 60 1:1 to log mentor coaching.');
      };
      return messages(this.core.mentors.sessions.mentoring(ref, rest.join(' '), journey, ctx));
    }
    if (sub === 'compare') return messages(...this.core.compare.command(ref, rest.join(' '), ctx));
    if (sub === 'portfolio') return messages(this.core.portfolio.run(ref, rest.join(' '), ctx));
    if (JOURNEY_SUBCOMMANDS.has(sub)) {
      const out = this.core.journey.run(ref, sub, rest.join(' '), ctx);
      return 'form' in out ? { type: 'session_form', prefill: out.form } : messages(out.message);
    }
    return messages(this.core.recordSelfCheck(ref, parseQuickSelfCheck(args), ctx).reply);
  }
}

const SUBCOMMANDS = new Set([
  'help',
  'prompt',
  'history',
  'trend',
  'settings',
  'deeper',
  'tip',
  ...CONVERSATION_COMMANDS,
]);
const GROUP_SUBCOMMANDS = new Set(['digest', 'group', 'share', 'summary']);

/**
 * The mentor's commands in their exact forms: "mentor", "mentor invite …", "mentor accept [N]", "mentor rate N …",
 * "share session N [with mentor]", "rate session N …". A reflection that starts "mentor said…" stays a reflection.
 */
const MENTOR_COMMAND =
  /^\/?(mentor|share|rate)(?:\s+((?<=mentor\s+)(?:invite\b[\s\S]*|(?:accept|decline|stop|withdraw)(?:\s+r?\d{1,12})?|sessions|rate\s+\d{1,12}\b[\s\S]*)|(?<=(?:share|rate)\s+)session\s+\d{1,12}\b[\s\S]*))?$/i;

/**
 * A one-line text under 40 characters without the punctuation a coach may end a command with ("help!", "skip.",
 * "Trend?"): tried as a command once the exact text is not one. Longer or multi-line texts are left as they are.
 */
function withoutEndPunctuation(text: string): string {
  if (text.length > 40 || /\n/.test(text)) return text;
  return text.replace(/\s*[.!?…]+$/u, '');
}

/**
 * Reads a command from typed text. "/selfcheck …" and "selfcheck …" always are; the other words are commands
 * only in their exact forms, so a reflection that happens to start with "history" is still a reflection.
 */
export function parseCommand(text: string): { name: string; args: string } | undefined {
  const m = /^\/?(selfcheck|check)(?:\s+([\s\S]*))?$/i.exec(text);
  if (m) return { name: 'selfcheck', args: (m[2] ?? '').trim() };
  const conversation = parseConversationCommand(text) ?? parseDeeperCommand(text) ?? parseTipCommand(text);
  if (conversation) return conversation;
  const lower = text.toLowerCase();
  if (['help', '?', '/help'].includes(lower)) return { name: 'help', args: '' };
  if (['prompt', '/prompt'].includes(lower)) return { name: 'prompt', args: '' };
  if (['history', '/history'].includes(lower)) return { name: 'history', args: '' };
  if (['trend', 'trends', '/trend'].includes(lower)) return { name: 'trend', args: '' };
  const d = /^\/?(export|delete)(?:\s+(messages(?:\s+confirm)?|confirm))?$/i.exec(text);
  if (d && !(d[1].toLowerCase() === 'export' && d[2])) return { name: d[1].toLowerCase(), args: d[2] ?? '' };
  const digest = /^\/?digest(?:\s+(?:(stop(?:\s+remove[- ]posts)?)|here\b(.*)))?$/i.exec(text);
  if (digest)
    return { name: 'digest', args: digest[1] ? digest[1] : digest[2] === undefined ? '' : `here${digest[2]}`.trim() };
  if (['summary', '/summary', 'week'].includes(lower)) return { name: 'summary', args: '' };
  const summary = /^\/?summary\s+(now|this\s+week|last\s+week)$/i.exec(text);
  if (summary) return { name: 'summary', args: summary[1] };
  const group = /^\/?group(?:\s+(join|leave))?$/i.exec(text);
  if (group) return { name: 'group', args: group[1] ?? '' };
  const mentor = MENTOR_COMMAND.exec(text);
  if (mentor && (mentor[2] || mentor[1].toLowerCase() === 'mentor'))
    return { name: mentor[1].toLowerCase(), args: mentor[2] ?? '' };
  const share = /^\/?share(?:\s+(confirm\s+\d+|\d+))?$/i.exec(text);
  if (share) return { name: 'share', args: share[1] ?? '' };
  const a = /^\/?settings\s+(after-?session)\b([\s\S]*)$/i.exec(text);
  if (a) return { name: 'settings', args: `after-session${a[2]}` };
  const c = /^\/?settings\s+(companies|company|clients)\b([\s\S]*)$/i.exec(text);
  if (c) return { name: 'settings', args: `companies${c[2]}` };
  const s =
    /^\/?settings(?:\s+(time|days|tz|timezone|zone|level|toward|working-toward|practices?|profile|pause|resume|unpause)\b(.*))?$/i.exec(
      text,
    );
  if (s) return { name: 'settings', args: s[1] ? `${s[1]}${s[2]}` : '' };
  return undefined;
}
