import { BEHAVIOUR_KEYS, behaviour, SCALE } from './behaviours';
import { summaryCommand, trendMessage } from './coach-views';
import { CONVERSATION_COMMANDS, Conversation, parseConversationCommand } from './conversation';
import { formatDate } from './dates';
import { count, deleteEverything, deleteMessagesOnly, deleteQuestion } from './deletion';
import { MIN_GROUP_SIZE_FLOOR } from './digest';
import { isTrellisError, TrellisError } from './errors';
import { GroupCommands } from './group-commands';
import { Journal } from './journal';
import { type FileAttachment, type Message, message } from './message';
import type { Coach, CoachRef, PromptIssue, Ratings, Reflection, SelfCheck, Settings } from './model';
import type { ChartRenderer, Clock, Logger, RemovalRequests, Repositories } from './ports';
import { buildExport, type ExportFileKind, exportedIds, type RetentionResult, runRetention } from './privacy';
import { NOTE_NOT_SHOWN, REFLECTION_NOT_SHOWN, whoCanRead } from './privacy-notice';
import type { Prompt } from './prompt-schema';
import { choosePrompt, type PromptCatalog, promptById, tipByKey, tipFor } from './prompts';
import {
  cleanText,
  formatRatings,
  lowestBehaviour,
  NOTE_MAX,
  parseQuickSelfCheck,
  type SelfCheckInput,
} from './selfcheck';
import { applySettingsCommand, defaultSettings, SETTINGS_USAGE, settingsFields } from './settings';
import { addDays, isValidTimeZone, localDate } from './time';
import { type SendOptions, WeeklyService } from './weekly';
import { Welcome } from './welcome';

export const REFLECTION_MAX = 4000;
/** Config's default (DEFAULT_MIN_GROUP_SIZE), for a core built without configuration. */
const DEFAULT_GROUP_SIZE = 5;

export interface TrellisDeps {
  repos: Repositories;
  catalog: PromptCatalog;
  clock: Clock;
  log: Logger;
  /** The time zone a new coach starts with until their platform or they themselves say otherwise. */
  defaultTimeZone: string;
  /** Notes and reflections older than this many days are purged by runRetention; unset keeps them. */
  retentionDays?: number;
  /** Fewest members before a group digest shows a figure (Config.minGroupSize, default 5; never below 3). */
  minGroupSize?: number;
  /** Draws the weekly charts; without it summaries and digests are text only. */
  charts?: ChartRenderer;
  /** TRELLIS_ENCRYPTION_KEY is set: what coaches are told about who can read their notes says so. */
  encryptedAtRest?: boolean;
  /** The queue that removes Trellis's own platform messages (a delete, retention); see deletion.ts. */
  removals?: RemovalRequests;
  /** Told when removals were queued, so a running server starts on them at once. */
  onRemovalsQueued?: () => void;
}

/** What a platform knows about a request beyond who sent it. */
export interface RequestContext {
  /** The platform's id for this request; a retry with the same key records nothing twice. */
  requestKey?: string;
  /** The coach's time zone as the platform reports it (Slack profile, Teams localTimezone). */
  timeZone?: string;
  displayName?: string;
  /** The conversation the request came from, for commands about a channel ("digest here", "group join"). */
  channel?: { id: string; kind: 'direct' | 'group'; name?: string };
  /**
   * The platform delivers an export's files one by one, each once the coach allows it (Teams): the export is then
   * audited per file delivered (exportFile), not when the files are first built.
   */
  filesOnConsent?: boolean;
}

/** What a typed command asks for: messages to show, or a form the platform presents its own way. */
export type Reply = { type: 'messages'; messages: Message[] } | { type: 'selfcheck_form' } | { type: 'settings_form' };

const messages = (...list: Message[]): Reply => ({ type: 'messages', messages: list });

/** The commands every platform understands, with or without a leading "/selfcheck". */
export const COMMANDS: readonly { usage: string; what: string }[] = [
  { usage: '/selfcheck', what: 'rate the six behaviours, then add an optional note for yourself' },
  { usage: '/selfcheck 4 3 5 4 4 2 [note]', what: 'record all six ratings in one go (use - to skip one)' },
  { usage: 'prompt', what: "today's reflection prompt; your next message is saved as your reflection" },
  { usage: 'history', what: 'your recent self-checks and reflections' },
  { usage: 'journal [more | page N | YYYY-MM | search WORD]', what: 're-read your reflections and notes in full' },
  { usage: 'skip | snooze', what: "skip today's prompt, or have it brought back later" },
  { usage: 'keep | discard', what: 'answer "Should it go in your journal?" about a text that looked like a command' },
  { usage: 'trend', what: 'per behaviour: this week, the change against the four weeks before, a sparkline' },
  { usage: 'settings', what: 'show or change prompt time, days, time zone, level, working toward, practice and pause' },
  { usage: 'help', what: 'this list' },
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

/**
 * The core of Trellis: everything a coach can do, independent of Slack, Teams or the terminal.
 * Adapters translate their events into these calls and render the returned messages.
 */
export class Trellis {
  constructor(private readonly deps: TrellisDeps) {}

  private groupCommands?: GroupCommands;
  private weeklyService?: WeeklyService;
  private conversationFlow?: Conversation;
  private journalView?: Journal;
  private welcomeFlow?: Welcome;

  /** The welcome on first contact and its buttons (see welcome.ts); platforms send it after answering a command. */
  get welcome(): Welcome {
    this.welcomeFlow ??= new Welcome(this.deps, this);
    return this.welcomeFlow;
  }

  /** Free text and the prompt's typed commands: nothing a coach writes is discarded (see conversation.ts). */
  get conversation(): Conversation {
    this.conversationFlow ??= new Conversation(this.deps, this);
    return this.conversationFlow;
  }

  /** `journal …`: the coach re-reads their own reflections and notes (see journal.ts). */
  get journal(): Journal {
    this.journalView ??= new Journal(this.deps);
    return this.journalView;
  }

  /** Peer-supervision groups: registering channels, membership, sharing. */
  get groups(): GroupCommands {
    this.groupCommands ??= new GroupCommands({ ...this.deps, minGroupSize: this.minGroupSize, weekly: this.weekly });
    return this.groupCommands;
  }

  /** Weekly summaries and digests: the seam the scheduler's outbox calls. */
  get weekly(): WeeklyService {
    this.weeklyService ??= new WeeklyService({ ...this.deps, minGroupSize: this.minGroupSize });
    return this.weeklyService;
  }

  private get minGroupSize(): number {
    return Math.max(MIN_GROUP_SIZE_FLOOR, this.deps.minGroupSize ?? DEFAULT_GROUP_SIZE);
  }

  /** The weekly summary to send a coach (kind 'weekly'), or undefined when they get none (paused, unknown). */
  weeklySummaryFor(coachId: number, now: Date, options?: SendOptions): Promise<Message | undefined> {
    return this.weekly.weeklySummaryFor(coachId, now, options);
  }

  /** The weekly digest to post in a group's channel (kind 'digest'). */
  digestFor(groupId: number, now: Date, options?: SendOptions): Promise<Message | undefined> {
    return this.weekly.digestFor(groupId, now, options);
  }

  /** The Share button on a share preview (action 'share', value = reflection id). */
  shareReflection(ref: CoachRef, reflectionId: number, ctx: RequestContext = {}): Message {
    return this.groups.confirm(this.coach(ref, ctx), reflectionId, ctx.channel);
  }

  get catalog(): PromptCatalog {
    return this.deps.catalog;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  today(coach: Coach): string {
    return localDate(this.now(), coach.settings.timeZone);
  }

  /** Whether Trellis holds anything about this coach (false after they deleted their data), without registering them. */
  knows(ref: CoachRef): boolean {
    return this.deps.repos.coaches.find(ref) !== undefined;
  }

  /** Finds or registers the coach; a time zone from the platform is taken unless the coach chose one. */
  coach(ref: CoachRef, ctx: RequestContext = {}): Coach {
    const { repos, defaultTimeZone } = this.deps;
    const platformZone = ctx.timeZone && isValidTimeZone(ctx.timeZone) ? ctx.timeZone : undefined;
    const defaults: Settings = defaultSettings(platformZone ?? defaultTimeZone);
    let coach = repos.coaches.upsert(ref, defaults, ctx.displayName ?? null);
    if (platformZone && platformZone !== coach.settings.timeZone && !coach.timeZoneSetByCoach) {
      coach = repos.coaches.updateSettings(coach.id, { ...coach.settings, timeZone: platformZone }, false);
    }
    return coach;
  }

  // ---- self-checks ----

  recordSelfCheck(
    ref: CoachRef,
    input: SelfCheckInput,
    ctx: RequestContext = {},
  ): { check: SelfCheck; created: boolean; reply: Message } {
    const coach = this.coach(ref, ctx);
    const now = this.now();
    const { check, created } = this.deps.repos.selfChecks.add({
      coachId: coach.id,
      checkedAt: now.toISOString(),
      localDate: localDate(now, coach.settings.timeZone),
      ratings: input.ratings,
      note: input.note,
      requestKey: ctx.requestKey,
    });
    // Debug, not info: a JSON line per check-in cost a busy server ~7% of its CPU; the stored row is the record.
    this.deps.log.debug('self-check recorded', {
      coach: coach.id,
      checkId: check.id,
      created,
      rated: Object.keys(input.ratings).length,
      hasNote: input.note !== null,
    });
    return { check, created, reply: this.selfCheckAcknowledgement(coach, check) };
  }

  private selfCheckAcknowledgement(coach: Coach, check: SelfCheck): Message {
    const lowest = lowestBehaviour(check.ratings);
    const lines = [`Thanks, your self-check is saved. ${formatRatings(check.ratings)}`];
    if (check.note) lines.push(`Your note is saved. ${NOTE_NOT_SHOWN}`);
    if (lowest) {
      const tip = tipFor(this.deps.catalog, lowest, check.id);
      if (tip) lines.push(`*A tip for ${behaviour(lowest).short.toLowerCase()}* (${tip.title}): ${tip.text}`);
    }
    return message(lines, {
      footer: coach.platform === 'console' ? 'Type "trend" to see how the weeks compare.' : undefined,
    });
  }

  // ---- prompts and reflections ----

  /** Today's prompt for the coach: issued once per local date and then the same all day. */
  todaysPrompt(ref: CoachRef, ctx: RequestContext = {}): { issue: PromptIssue; prompt: Prompt; reply: Message } {
    const coach = this.coach(ref, ctx);
    return this.issuePrompt(coach, this.today(coach));
  }

  /** Issues (or finds) the coach's prompt for a local date. Used by the scheduler too. */
  issuePrompt(coach: Coach, date: string): { issue: PromptIssue; prompt: Prompt; reply: Message } {
    const { repos, catalog } = this.deps;
    const existing = repos.promptIssues.forDate(coach.id, date);
    let prompt = existing ? promptById(catalog, existing.promptId) : undefined;
    let issue = existing;
    if (!issue || !prompt) {
      const recent = repos.selfChecks.between(coach.id, addDays(date, -13), date).map((c) => c.ratings);
      prompt = choosePrompt(catalog, {
        coachKey: String(coach.id),
        date,
        level: coach.settings.level,
        history: repos.promptIssues.history(coach.id),
        recentRatings: recent,
      });
      issue = repos.promptIssues.issue(coach.id, prompt.id, date, this.now().toISOString());
    }
    return { issue, prompt, reply: this.promptMessage(issue, prompt) };
  }

  promptMessage(issue: PromptIssue, prompt: Prompt): Message {
    const labels = prompt.behaviours.map((b) => behaviour(b).short).join(' · ');
    const tip = tipByKey(this.deps.catalog, prompt.tip);
    return message([prompt.text], {
      title: "Today's reflection",
      footer: `${labels}${tip ? ` · from the tip "${tip.title}"` : ''} · reply with a few lines; your group sees them only if you share them.`,
      buttons: [
        { action: 'reflect', label: 'Reflect', value: String(issue.id), style: 'primary' },
        { action: 'skip', label: 'Skip', value: String(issue.id) },
        { action: 'snooze', label: 'Snooze', value: String(issue.id) },
      ],
    });
  }

  /** The prompt a plain reply answers: the latest one, while it is open or snoozed and no older than three days. */
  openPrompt(coach: Coach): PromptIssue | undefined {
    const latest = this.deps.repos.promptIssues.latest(coach.id);
    if (!latest || latest.status === 'answered' || latest.status === 'skipped') return undefined;
    if (latest.localDate < addDays(this.today(coach), -3)) return undefined;
    return latest;
  }

  saveReflection(
    ref: CoachRef,
    text: string,
    ctx: RequestContext = {},
    promptIssueId?: number | null,
    writtenAt?: Date,
  ): { reflection: Reflection; created: boolean; reply: Message } {
    const coach = this.coach(ref, ctx);
    const cleaned = cleanText(text);
    if (cleaned === '')
      throw new TrellisError('invalid_reflection', 'Your reflection is empty: write a few words about the moment.');
    if (cleaned.length > REFLECTION_MAX) {
      throw new TrellisError(
        'invalid_reflection',
        `Your reflection is ${cleaned.length.toLocaleString('en')} characters; the limit is ${REFLECTION_MAX.toLocaleString('en')}. Shorten it and send it again.`,
      );
    }
    const { repos } = this.deps;
    // undefined: the open prompt, if any; null: an entry of its own; a number: that prompt.
    let issue =
      promptIssueId === undefined
        ? this.openPrompt(coach)
        : promptIssueId === null
          ? undefined
          : repos.promptIssues.byId(promptIssueId);
    if (issue && issue.coachId !== coach.id) issue = undefined;
    const now = writtenAt ?? this.now();
    const result = repos.transaction(() => {
      const saved = repos.reflections.add({
        coachId: coach.id,
        promptIssueId: issue?.id ?? null,
        promptId: issue?.promptId ?? null,
        text: cleaned,
        createdAt: now.toISOString(),
        localDate: localDate(now, coach.settings.timeZone),
        requestKey: ctx.requestKey,
      });
      if (issue) repos.promptIssues.setStatus(issue.id, 'answered');
      return saved;
    });
    this.deps.log.info('reflection saved', {
      coach: coach.id,
      reflectionId: result.reflection.id,
      created: result.created,
      promptId: issue?.promptId ?? null,
    });
    const saved = issue
      ? 'Saved to your journal as your reply to the prompt.'
      : 'Saved to your journal as an entry of its own.';
    return { ...result, reply: message(`${saved} ${REFLECTION_NOT_SHOWN}`) };
  }

  /** Skip or snooze the coach's prompt. Snoozing leaves it open, so a later plain reply still answers it. */
  setPromptStatus(ref: CoachRef, issueId: number, status: 'skipped' | 'snoozed', ctx: RequestContext = {}): Message {
    const coach = this.coach(ref, ctx);
    const issue = this.deps.repos.promptIssues.byId(issueId);
    if (!issue || issue.coachId !== coach.id)
      throw new TrellisError('no_prompt', 'That prompt is no longer available; type "prompt" for today\'s.');
    if (issue.status === 'answered') return message('You have already answered this prompt. Thank you!');
    this.deps.repos.promptIssues.setStatus(issue.id, status);
    return status === 'skipped'
      ? message('Skipped. A new prompt comes on your next prompt day.')
      : message('Snoozed. I will bring it back later today; you can also reply any time.');
  }

  /** The prompt behind one of the coach's prompt issues, for a platform that shows it again (a Reflect form). */
  promptForIssue(ref: CoachRef, issueId: number, ctx: RequestContext = {}): { issue: PromptIssue; prompt: Prompt } {
    const coach = this.coach(ref, ctx);
    const issue = this.deps.repos.promptIssues.byId(issueId);
    const prompt = issue && issue.coachId === coach.id ? promptById(this.deps.catalog, issue.promptId) : undefined;
    if (!issue || !prompt)
      throw new TrellisError('no_prompt', 'That prompt is no longer available; type "prompt" for today\'s.');
    return { issue, prompt };
  }

  // ---- views ----

  history(ref: CoachRef, ctx: RequestContext = {}, limit = 5): Message {
    const coach = this.coach(ref, ctx);
    const { repos, catalog } = this.deps;
    const checks = repos.selfChecks.recent(coach.id, limit);
    const reflections = repos.reflections.recent(coach.id, limit);
    if (checks.length === 0 && reflections.length === 0) {
      return message([
        'Nothing here yet. Try /selfcheck for a quick self-assessment, or "prompt" for a reflection question.',
      ]);
    }
    const lines: string[] = [];
    if (checks.length) {
      lines.push('*Recent self-checks*');
      for (const c of checks)
        lines.push(`${formatDate(c.localDate)}  ${formatRatings(c.ratings)}${c.note ? '  (note)' : ''}`);
    }
    if (reflections.length) {
      lines.push('*Recent reflections*');
      for (const r of reflections) {
        const prompt = r.promptId ? promptById(catalog, r.promptId) : undefined;
        const excerpt = r.text.length > 120 ? `${r.text.slice(0, 117)}…` : r.text;
        lines.push(
          `${formatDate(r.localDate)}  ${prompt ? `${prompt.behaviours.map((b) => behaviour(b).short).join('/')}: ` : ''}${excerpt}`,
        );
      }
    }
    return message(lines, { title: 'Your history' });
  }

  trend(ref: CoachRef, ctx: RequestContext = {}): Message {
    const coach = this.coach(ref, ctx);
    return trendMessage(this.deps.repos, this.weekly, coach, this.today(coach));
  }

  settings(ref: CoachRef, ctx: RequestContext = {}): Message {
    const coach = this.coach(ref, ctx);
    return message(['Your settings'], {
      fields: settingsFields(coach.settings, this.today(coach), this.now()),
      footer: SETTINGS_USAGE,
    });
  }

  changeSettings(ref: CoachRef, args: string, ctx: RequestContext = {}): Message {
    const coach = this.coach(ref, ctx);
    const companies = /^(?:companies|company|clients)\b\s*([\s\S]*)$/i.exec(args.trim());
    if (companies) return this.groups.companies(coach, companies[1]);
    const change = applySettingsCommand(args, coach.settings, this.today(coach));
    if (change.kind === 'show') return this.settings(ref, ctx);
    this.deps.repos.coaches.updateSettings(
      coach.id,
      change.settings,
      change.timeZoneSetByCoach || coach.timeZoneSetByCoach,
    );
    this.deps.log.info('settings changed', { coach: coach.id });
    return message(change.summary);
  }

  updateSettings(ref: CoachRef, settings: Settings, ctx: RequestContext = {}): Coach {
    const coach = this.coach(ref, ctx);
    return this.deps.repos.coaches.updateSettings(
      coach.id,
      settings,
      settings.timeZone !== coach.settings.timeZone || coach.timeZoneSetByCoach,
    );
  }

  help(): Message {
    return message(
      [
        'Trellis helps you practise "Cultivates Trust and Safety" (ICF Core Competencies) a few minutes a day.',
        `Ratings: ${SCALE.map((s) => `${s.value} ${s.label}`).join(' · ')}. Behaviours in order: ${BEHAVIOUR_KEYS.join(', ')}.`,
        this.privacyNotice(),
      ],
      { title: 'Trellis commands', fields: COMMANDS.map((c) => ({ label: c.usage, value: c.what })) },
    );
  }

  /** Who can read a coach's notes and reflections in this deployment (help, the Teams welcome). */
  privacyNotice(): string {
    return whoCanRead(this.deps.encryptedAtRest ?? false);
  }

  // ---- a coach's data: export, delete, retention (see privacy.ts) ----

  /** All of the coach's data as files for the platform to deliver; the export is recorded in the audit log. */
  exportData(ref: CoachRef, actor = 'coach', ctx: RequestContext = {}): Message {
    const coach = this.deps.repos.coaches.find(ref);
    if (!coach) return message('Trellis holds nothing about you, so there is nothing to export.');
    const { repos, catalog } = this.deps;
    const data = repos.privacy.coachData(coach.id);
    if (!data) return message('Trellis holds nothing about you, so there is nothing to export.');
    const now = this.now();
    const files = buildExport(data, catalog, now);
    if (!ctx.filesOnConsent) {
      repos.privacy.audit({
        at: now.toISOString(),
        coachId: coach.id,
        action: 'export',
        actor,
        objectIds: exportedIds(data, 'all'),
      });
    }
    const event = ctx.filesOnConsent ? 'data export offered' : 'data exported';
    this.deps.log.info(event, { coach: coach.id, actor, files: files.length });
    return message(
      [
        `Your data: ${count(data.selfChecks.length, 'self-check')}, ${count(data.reflections.length, 'reflection')}, ${count(data.promptIssues.length, 'prompt')} and your settings, as JSON and CSV.`,
        'These files contain your private notes; keep them somewhere safe.',
      ],
      { title: 'Your export', files },
    );
  }

  /**
   * One file of the coach's export, built afresh from what is stored now, for a platform that delivers each file
   * once the coach allows it (Teams). It is audited only when the platform calls `delivered()` after it arrived.
   */
  exportFile(
    ref: CoachRef,
    kind: ExportFileKind,
    actor = 'coach',
  ): { file: FileAttachment; delivered(): void } | undefined {
    const { repos, catalog } = this.deps;
    const coach = repos.coaches.find(ref);
    const data = coach && repos.privacy.coachData(coach.id);
    if (!coach || !data) return undefined;
    const file = buildExport(data, catalog, this.now()).find((f) => f.kind === kind);
    if (!file) return undefined;
    const delivered = () => {
      const objectIds = { file: kind, ...exportedIds(data, kind) };
      repos.privacy.audit({ at: this.now().toISOString(), coachId: coach.id, action: 'export', actor, objectIds });
      this.deps.log.info('data exported', { coach: coach.id, actor, file: kind });
    };
    return { file, delivered };
  }

  /** Asks before deleting: buttons on platforms with buttons, a typed confirmation everywhere (see deletion.ts). */
  requestDelete(platform: CoachRef['platform'] = 'console', messagesOnly = false): Message {
    return deleteQuestion(platform, messagesOnly);
  }

  /** Deletes every row about the coach, for real, and queues Trellis's messages in their chat for removal. */
  confirmDelete(ref: CoachRef, actor = 'coach'): Message {
    return deleteEverything(this.deps, ref, actor);
  }

  /** "Delete messages only": Trellis's messages and files leave the coach's chat; the journal stays. */
  confirmDeleteMessages(ref: CoachRef, actor = 'coach'): Message {
    return deleteMessagesOnly(this.deps, ref, actor);
  }

  cancelDelete(): Message {
    return message('Nothing was deleted.');
  }

  /**
   * The Cancel button, which two messages carry: the delete question (value 'delete') and the share preview
   * ("Keep it private", value = the reflection id). Either way nothing changes; the answer says what stayed.
   */
  cancelAction(value: string | undefined): Message {
    if (value === 'delete') return this.cancelDelete();
    if (value !== undefined && /^\d{1,12}$/.test(value))
      return message('Nothing was shared. Your group does not see the reflection unless you share it.');
    return message('Cancelled; nothing changed.');
  }

  /**
   * Purges notes and reflections older than the retention period, and queues Trellis's platform messages older than
   * it for removal; the scheduler calls this daily.
   */
  runRetention(now: Date = this.now(), actor = 'scheduler'): RetentionResult {
    return runRetention(this.deps, this.deps.retentionDays, now, actor);
  }

  /** `digest here …`, `group …`, `share …`: peer-supervision commands (see group-commands.ts). */
  private weeklyCommand(ref: CoachRef, name: string, args: string, ctx: RequestContext): Message {
    const coach = this.coach(ref, ctx);
    if (name === 'summary') return summaryCommand(this.weekly, coach, this.now(), args);
    if (name === 'digest') return this.groups.digestCommand(coach, args, ctx.channel);
    if (name === 'group') return this.groups.group(coach, args, ctx.channel);
    const share = /^(confirm\s+)?(\d+)?$/i.exec(args.trim());
    if (!share) throw new TrellisError('unknown_command', 'Use "share" for your latest reflection, then press Share.');
    if (share[1]) {
      if (!share[2]) throw new TrellisError('unknown_command', 'Say which reflection: share confirm <number>.');
      return this.groups.confirm(coach, Number(share[2]), ctx.channel);
    }
    return this.groups.preview(coach, share[2] === undefined ? undefined : Number(share[2]), ctx.channel);
  }

  // ---- typed commands ----

  /**
   * Handles one typed message: a command, or free text, which is never discarded (see conversation.ts).
   * Errors a user can fix come back as a message saying what to fix; anything else is thrown.
   */
  handleText(ref: CoachRef, raw: string, ctx: RequestContext = {}): Reply {
    try {
      return this.route(ref, raw, ctx);
    } catch (error) {
      if (isTrellisError(error)) {
        if (error.code === 'storage_unavailable') this.deps.log.warn('could not store', { detail: error.detail });
        return messages(message(error.message));
      }
      throw error;
    }
  }

  private route(ref: CoachRef, raw: string, ctx: RequestContext): Reply {
    const text = raw.trim();
    const command = parseCommand(text);
    if (command) return this.runCommand(ref, command.name, command.args, ctx);
    return messages(this.conversation.freeText(ref, text, ctx));
  }

  /** Runs a `/selfcheck` subcommand or a top-level command; `args` is what follows its name. */
  runCommand(ref: CoachRef, name: string, args: string, ctx: RequestContext = {}): Reply {
    switch (name) {
      case 'selfcheck':
        if (args === '') return { type: 'selfcheck_form' };
        return this.runSelfcheckArgs(ref, args, ctx);
      case 'help':
        // A first "help" is first contact too: the coach is registered, so the welcome can follow.
        this.coach(ref, ctx);
        return messages(this.help());
      case 'prompt':
        return messages(this.todaysPrompt(ref, ctx).reply);
      case 'history':
        return messages(this.history(ref, ctx));
      case 'journal':
        return messages(this.journal.show(this.coach(ref, ctx), args, ctx));
      case 'skip':
      case 'snooze':
      case 'keep':
      case 'discard':
      case 'cancel':
        return messages(this.conversation.command(ref, name, ctx));
      case 'trend':
        return messages(this.trend(ref, ctx));
      case 'settings':
        return messages(this.changeSettings(ref, args, ctx));
      case 'export':
        return messages(this.exportData(ref, 'coach', ctx));
      case 'delete': {
        const what = /^(messages\s*)?(confirm)?$/i.exec(args.trim());
        if (what?.[1] && what[2]) return messages(this.confirmDeleteMessages(ref));
        if (what?.[2]) return messages(this.confirmDelete(ref));
        return messages(this.requestDelete(ref.platform, Boolean(what?.[1])));
      }
      case 'digest':
      case 'group':
      case 'share':
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
    return messages(this.recordSelfCheck(ref, parseQuickSelfCheck(args), ctx).reply);
  }
}

const SUBCOMMANDS = new Set(['help', 'prompt', 'history', 'trend', 'settings', ...CONVERSATION_COMMANDS]);
const GROUP_SUBCOMMANDS = new Set(['digest', 'group', 'share', 'summary']);

/**
 * Reads a command from typed text. "/selfcheck …" and "selfcheck …" always are; the other words are commands
 * only in their exact forms, so a reflection that happens to start with "history" is still a reflection.
 */
export function parseCommand(text: string): { name: string; args: string } | undefined {
  const m = /^\/?(selfcheck|check)(?:\s+([\s\S]*))?$/i.exec(text);
  if (m) return { name: 'selfcheck', args: (m[2] ?? '').trim() };
  const conversation = parseConversationCommand(text);
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
  const share = /^\/?share(?:\s+(confirm\s+\d+|\d+))?$/i.exec(text);
  if (share) return { name: 'share', args: share[1] ?? '' };
  const c = /^\/?settings\s+(companies|company|clients)\b([\s\S]*)$/i.exec(text);
  if (c) return { name: 'settings', args: `companies${c[2]}` };
  const s =
    /^\/?settings(?:\s+(time|days|tz|timezone|zone|level|toward|working-toward|practices?|pause|resume|unpause)\b(.*))?$/i.exec(
      text,
    );
  if (s) return { name: 'settings', args: s[1] ? `${s[1]}${s[2]}` : '' };
  return undefined;
}

export type { Ratings };
export { NOTE_MAX };
