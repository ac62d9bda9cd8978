import { BEHAVIOUR_KEYS, SCALE } from './behaviours';
import { CheckIns } from './check-ins';
import { COMMANDS, Commands, type Reply } from './commands';
import { Compare } from './compare-flow';
import { Conversation } from './conversation';
import { exportData, exportFile } from './data-rights';
import { Deeper } from './deeper';
import { deleteEverything, deleteMessagesOnly, deleteQuestion } from './deletion';
import { type DepartedTenants, purgeDeparted } from './departures';
import { MIN_GROUP_SIZE_FLOOR } from './digest';
import { GroupCommands } from './group-commands';
import { Journal } from './journal';
import { Journey } from './journey';
import { Mentors } from './mentors';
import { type FileAttachment, type Message, message } from './message';
import type { Coach, CoachRef, Ratings, Settings } from './model';
import { Portfolio } from './portfolio';
import type { ChartRenderer, Clock, Logger, RemovalRequests, Repositories } from './ports';
import { type ExportFileKind, type RetentionResult, runRetention } from './privacy';
import { whoCanRead } from './privacy-notice';
import { Profile } from './profile';
import type { PromptCatalog } from './prompts';
import { Reflections } from './reflections';
import type { RequestContext } from './request-context';
import { NOTE_MAX } from './selfcheck';
import { defaultSettings } from './settings';
import { isValidTimeZone, localDate } from './time';
import { type SendOptions, WeeklyService } from './weekly';
import { Welcome } from './welcome';

export { COMMANDS, parseCommand, type Reply } from './commands';
export { REFLECTION_MAX } from './reflections';
export type { RequestContext } from './request-context';

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
  /** Workspaces that uninstalled Trellis: their data goes `days` after (runRetention; see departures.ts). */
  departures?: { tenants: DepartedTenants; days: number };
}

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
  private reflectionFlow?: Reflections;
  private commandFlow?: Commands;
  private welcomeFlow?: Welcome;

  /** The welcome on first contact and its buttons (see welcome.ts); platforms send it after answering a command. */
  get welcome(): Welcome {
    this.welcomeFlow ??= new Welcome(this.deps, this);
    return this.welcomeFlow;
  }

  private deeperFlow?: Deeper;

  /** "Go deeper": the next stage's question on the moment a coach just reflected on (see deeper.ts). */
  get deeper(): Deeper {
    this.deeperFlow ??= new Deeper(this.deps, this);
    return this.deeperFlow;
  }

  private journeyFlow?: Journey;
  private compareFlow?: Compare;
  private portfolioFlow?: Portfolio;
  /** `/selfcheck portfolio`: the PDF and CSVs for a mentor or an application (portfolio.ts). */
  get portfolio(): Portfolio {
    this.portfolioFlow ??= new Portfolio(this.deps, (ref, ctx) => this.coach(ref, ctx));
    return this.portfolioFlow;
  }
  /** Self beside mentor: `/selfcheck compare`, a mentor's view, the calibration chart (compare-flow.ts). */
  get compare(): Compare {
    this.compareFlow ??= new Compare(this.deps, (ref, ctx) => this.coach(ref, ctx));
    return this.compareFlow;
  }

  /** Client sessions, markers, mentor coaching, the credential log (journey.ts). */
  get journey(): Journey {
    this.journeyFlow ??= new Journey(this.deps, (ref, ctx) => this.coach(ref, ctx));
    return this.journeyFlow;
  }

  private checkInFlow?: CheckIns;
  /** Self-checks, a tip on request, `history` and `trend` (check-ins.ts). */
  get checkIns(): CheckIns {
    this.checkInFlow ??= new CheckIns(this.deps, this);
    return this.checkInFlow;
  }

  private profileFlow?: Profile;
  /** The coach's settings: shown, typed, or from a platform's form (profile.ts). */
  get profile(): Profile {
    this.profileFlow ??= new Profile(this.deps, this);
    return this.profileFlow;
  }

  private mentorFlow?: Mentors;
  /** A mentor coach beside the coach: invitations, shared sessions, a mentor's ratings (mentors.ts). */
  get mentors(): Mentors {
    this.mentorFlow ??= new Mentors(this.deps, (ref, ctx) => this.coach(ref, ctx));
    return this.mentorFlow;
  }

  /** Prompts and reflections: issuing, skipping, snoozing, saving (see reflections.ts). */
  private get reflections(): Reflections {
    this.reflectionFlow ??= new Reflections(this.deps, this);
    return this.reflectionFlow;
  }

  /** Typed commands and their dispatch (see commands.ts). */
  private get commands(): Commands {
    this.commandFlow ??= new Commands(this.deps, this);
    return this.commandFlow;
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
  knows(ref: CoachRef, ctx: RequestContext = {}): boolean {
    if (ctx.turn?.found(ref)) return true;
    const coach = this.deps.repos.coaches.find(ref);
    if (coach) ctx.turn?.hold(ref, coach, false);
    return coach !== undefined;
  }

  /** Finds or registers the coach; a time zone from the platform is taken unless the coach chose one. */
  coach(ref: CoachRef, ctx: RequestContext = {}): Coach {
    const held = ctx.turn?.registeredCoach(ref);
    if (held) return held;
    const { repos, defaultTimeZone } = this.deps;
    const platformZone = ctx.timeZone && isValidTimeZone(ctx.timeZone) ? ctx.timeZone : undefined;
    const defaults: Settings = defaultSettings(platformZone ?? defaultTimeZone);
    let coach = repos.coaches.upsert(ref, defaults, ctx.displayName ?? null);
    if (platformZone && platformZone !== coach.settings.timeZone && !coach.timeZoneSetByCoach) {
      coach = repos.coaches.updateSettings(coach.id, { ...coach.settings, timeZone: platformZone }, false);
    }
    if (ctx.email) this.journey.rememberEmail(coach.id, ctx.email);
    ctx.turn?.hold(ref, coach, true);
    return coach;
  }

  // ---- self-checks, prompts and reflections, the coach's views (see check-ins.ts and reflections.ts) ----

  readonly recordSelfCheck: CheckIns['recordSelfCheck'] = (...args) => this.checkIns.recordSelfCheck(...args);
  readonly tip: CheckIns['tip'] = (...args) => this.checkIns.tip(...args);
  readonly history: CheckIns['history'] = (...args) => this.checkIns.history(...args);
  readonly trend: CheckIns['trend'] = (...args) => this.checkIns.trend(...args);
  readonly todaysPrompt: Reflections['todaysPrompt'] = (...args) => this.reflections.todaysPrompt(...args);
  readonly issuePrompt: Reflections['issuePrompt'] = (...args) => this.reflections.issuePrompt(...args);
  readonly promptMessage: Reflections['promptMessage'] = (...args) => this.reflections.promptMessage(...args);
  readonly openPrompt: Reflections['openPrompt'] = (...args) => this.reflections.openPrompt(...args);
  readonly saveReflection: Reflections['saveReflection'] = (...args) => this.reflections.saveReflection(...args);
  readonly setPromptStatus: Reflections['setPromptStatus'] = (...args) => this.reflections.setPromptStatus(...args);
  readonly promptForIssue: Reflections['promptForIssue'] = (...args) => this.reflections.promptForIssue(...args);

  // ---- settings (see profile.ts) ----

  readonly settings: Profile['settings'] = (...args) => this.profile.settings(...args);
  readonly changeSettings: Profile['changeSettings'] = (...args) => this.profile.changeSettings(...args);
  readonly updateSettings: Profile['updateSettings'] = (...args) => this.profile.updateSettings(...args);

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
    return exportData(this.deps, ref, actor, ctx);
  }

  /** One file of the export built afresh, audited on `delivered()` (Teams; see data-rights.ts). */
  exportFile(
    ref: CoachRef,
    kind: ExportFileKind,
    actor = 'coach',
  ): { file: FileAttachment; delivered(): void } | undefined {
    return exportFile(this.deps, ref, kind, actor);
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
    const departures = this.deps.departures;
    if (departures) purgeDeparted(this.deps, departures.tenants, departures.days, now);
    return runRetention(this.deps, this.deps.retentionDays, now, actor);
  }

  // ---- typed commands (see commands.ts) ----

  /** One typed message: a command, or free text, never discarded; errors a user can fix are answered (commands.ts). */
  handleText(ref: CoachRef, raw: string, ctx: RequestContext = {}): Reply {
    return this.commands.handleText(ref, raw, ctx);
  }

  /** Runs a `/selfcheck` subcommand or a top-level command; `args` is what follows its name. */
  runCommand(ref: CoachRef, name: string, args: string, ctx: RequestContext = {}): Reply {
    return this.commands.runCommand(ref, name, args, ctx);
  }

  /** `/selfcheck <args>`: a subcommand, or the quick ratings form. */
  runSelfcheckArgs(ref: CoachRef, args: string, ctx: RequestContext = {}): Reply {
    return this.commands.runSelfcheckArgs(ref, args, ctx);
  }
}

export type { Ratings };
export { NOTE_MAX };
