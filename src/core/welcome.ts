/**
 * The welcome on first contact (issue #14): what Trellis does, who can read what the coach writes (the sentences of
 * privacy-notice.ts, so they stay true of the deployment), the credential (buttons), then the kind of practice
 * (toggle buttons), the time zone the platform reported (a button to change it), and when the first prompt comes.
 * Sent once per coach, recorded in the store (coaches.welcomed_at) before it goes out, so a retry, a second process
 * or a restart never sends it twice. It never stands in the way of a command: platforms answer what the coach
 * typed first, then send the welcome. Every question is optional.
 */
import { z } from 'zod';
import { nextPromptText } from './dates';
import { TrellisError } from './errors';
import { type Button, type Message, message } from './message';
import { type Coach, type CoachRef, LEVELS, type Level } from './model';
import type { Clock, Logger, Repositories } from './ports';
import { PRACTICE_CHOICES, PRACTICE_LABELS, PRACTICES, practiceSchema, sortPractices } from './practice';
import { whoCanRead } from './privacy-notice';
import type { RequestContext } from './trellis';

export interface WelcomeDeps {
  repos: Repositories;
  clock: Clock;
  log: Logger;
  encryptedAtRest?: boolean;
}

/** What the welcome needs of the core: registering a coach and changing one setting through `settings …`. */
export interface WelcomeCore {
  coach(ref: CoachRef, ctx?: RequestContext): Coach;
  changeSettings(ref: CoachRef, args: string, ctx?: RequestContext): Message;
}

/** The welcome's buttons: their action ids, and what each carries back as its value. */
export const WELCOME_ACTIONS = ['welcome_level', 'welcome_toward', 'welcome_practice'] as const;
export type WelcomeAction = (typeof WELCOME_ACTIONS)[number];
const levelValue = z.enum([...LEVELS, 'toward', 'none']);
const towardValue = z.enum(LEVELS);
const practiceValue = z.union([practiceSchema, z.literal('done')]);

const PLATFORM_NAMES: Record<Coach['platform'], string> = { slack: 'Slack', teams: 'Teams', console: 'your computer' };

/** For this long after the welcome, Trellis added again says nothing: the welcome is still on screen. */
const AGAIN_QUIET_MS = 24 * 60 * 60 * 1000;

const rank = (level: Level) => LEVELS.indexOf(level);
const levelsAbove = (level: Level | null) => LEVELS.filter((l) => level === null || rank(l) > rank(level));

export class Welcome {
  constructor(
    private readonly deps: WelcomeDeps,
    private readonly core: WelcomeCore,
  ) {}

  /**
   * The welcome, the first time only: recorded as sent before it is returned; undefined once recorded, and for a
   * coach Trellis does not hold (after a delete nothing is registered again by asking).
   */
  once(ref: CoachRef, ctx: RequestContext = {}): Message | undefined {
    const { repos, clock, log } = this.deps;
    // Asked after every command: a coach this turn already read as welcomed costs nothing (a mark is never undone
    // while the row lives), any other the one column, not a whole coach.
    if (ctx.turn?.found(ref)?.welcomedAt) return undefined;
    if (repos.coaches.welcomed(ref) !== false) return undefined;
    const coach = repos.coaches.find(ref);
    if (!coach || coach.welcomedAt !== null) return undefined;
    if (!repos.coaches.markWelcomed(coach.id, clock.now().toISOString())) return undefined;
    ctx.turn?.forget();
    log.info('welcome sent', { coach: coach.id });
    return this.message(coach, ctx);
  }

  /**
   * Trellis added again to the chat of a coach it already welcomed (a Teams install that arrives after the coach's
   * first message, or a reinstall): never a second welcome. Within a day of the welcome nothing (the coach has it on
   * screen); later a short greeting that says what stayed. Undefined too for a coach Trellis does not hold.
   */
  again(ref: CoachRef): Message | undefined {
    const coach = this.deps.repos.coaches.find(ref);
    if (!coach || coach.welcomedAt === null) return undefined;
    if (this.deps.clock.now().getTime() - Date.parse(coach.welcomedAt) < AGAIN_QUIET_MS) return undefined;
    return message(
      [
        'Good to be back in your chat. Your journal, self-checks and settings are as you left them.',
        'Type "prompt" for a reflection question, "journal" to re-read what you wrote, or "help" for everything.',
        whoCanRead(this.deps.encryptedAtRest ?? false),
      ],
      { title: 'Trellis is here again' },
    );
  }

  /** The welcome for a coach (also shown again by nothing else: it is a first-contact message). */
  message(coach: Coach, ctx: RequestContext = {}): Message {
    const terminal = coach.platform === 'console';
    const { timeZone } = coach.settings;
    const reported = ctx.timeZone === timeZone && !terminal;
    const next = nextPromptText(coach.settings, this.deps.clock.now());
    const lines = [
      'Trellis is a few minutes a day of reflective practice on "Cultivates Trust and Safety" (ICF Core Competencies, 2019): on your prompt days a short question about one recent session, a quick self-check of the six behaviours when you like, and each week a summary of how they move.',
      whoCanRead(this.deps.encryptedAtRest ?? false),
      `*Your time zone:* ${timeZone}${reported ? `, as ${PLATFORM_NAMES[coach.platform]} reported it` : terminal ? '' : ` for now: ${PLATFORM_NAMES[coach.platform]} has not told me yours yet, and will with your first message`}. ${terminal ? 'Change it with "settings tz Europe/Paris".' : 'The button below changes it.'}`,
      next
        ? `*Your first prompt:* ${next}. "settings time 08:30" or "settings days mon,wed,fri" moves it.`
        : '*No prompt is scheduled*: "settings resume" or "settings days mon-fri" starts them.',
      terminal
        ? '*Your credential?* Type "settings level ACC" (or PCC, MCC, none), and "settings toward PCC" for the one you are working toward.'
        : '*Your credential?* It picks the prompts written for your level.',
      terminal
        ? `*Your kind of practice?* Type "settings practice" and the numbers that fit: ${PRACTICE_CHOICES} (for example "settings practice 2 4").`
        : '*Your kind of practice* comes next, once you have answered.',
    ];
    const buttons: Button[] = terminal
      ? []
      : [
          ...LEVELS.map((l): Button => ({ action: 'welcome_level', label: l, value: l })),
          { action: 'welcome_level', label: 'Working toward…', value: 'toward' },
          { action: 'welcome_level', label: 'Not credentialed', value: 'none' },
          { action: 'open_settings', label: 'Change time zone' },
        ];
    return message(lines, {
      title: 'Welcome to Trellis',
      buttons,
      footer: 'Every question here is optional: skip it and type a command, or "help". "settings" shows all of this.',
    });
  }

  /** A welcome button pressed: the level, the credential worked toward, or one kind of practice (a toggle). */
  choose(ref: CoachRef, action: WelcomeAction, value: string | undefined, ctx: RequestContext = {}): Message {
    // After a delete the welcome's buttons may still be on screen: pressing one registers nobody again.
    if (!this.deps.repos.coaches.find(ref))
      return message('Trellis holds nothing about you now. Write to me to start afresh.');
    if (action === 'welcome_level') {
      const choice = levelValue.safeParse(value);
      if (!choice.success) return unavailable();
      if (choice.data === 'toward') {
        const coach = this.core.coach(ref, ctx);
        return message('Which credential are you working toward?', {
          buttons: levelsAbove(coach.settings.level).map((l) => ({ action: 'welcome_toward', label: l, value: l })),
        });
      }
      const saved = this.core.changeSettings(ref, `level ${choice.data}`, ctx);
      return this.practiceQuestion(ref, ctx, saved.lines, choice.data === 'none' ? null : choice.data);
    }
    if (action === 'welcome_toward') {
      const choice = towardValue.safeParse(value);
      if (!choice.success) return unavailable();
      const saved = this.changeOrExplain(ref, `toward ${choice.data}`, ctx);
      return this.practiceQuestion(ref, ctx, saved.lines, this.core.coach(ref, ctx).settings.level);
    }
    const choice = practiceValue.safeParse(value);
    if (!choice.success) return unavailable();
    const coach = this.core.coach(ref, ctx);
    if (choice.data === 'done') {
      return message(
        `Thank you. ${nextPromptLine(coach, this.deps.clock.now())} "settings" shows or changes any of it.`,
      );
    }
    const current = new Set(coach.settings.practices);
    if (current.has(choice.data)) current.delete(choice.data);
    else current.add(choice.data);
    const list = sortPractices(current);
    this.core.changeSettings(ref, `practice ${list.length ? list.join(',') : 'none'}`, ctx);
    return this.practiceButtons(
      [
        list.length
          ? `Your practice: ${list.map((p) => PRACTICE_LABELS[p]).join(', ')}. Press another to add it, or one again to take it off.`
          : 'No kind of practice set. Press each that fits.',
      ],
      true,
    );
  }

  /** After the level: the practice question, with a "working toward" offer for a coach who could go further. */
  private practiceQuestion(ref: CoachRef, ctx: RequestContext, saved: string[], level: Level | null): Message {
    const coach = this.core.coach(ref, ctx);
    const lines = [
      ...saved,
      '*Your kind of practice?* Press each that fits; prompts written for one setting go only to coaches who work in it.',
    ];
    const m = this.practiceButtons(lines, false);
    const higher = levelsAbove(level)[0];
    if (level !== null && higher && coach.settings.workingToward === null)
      m.footer = `Working toward ${higher}? Type "settings toward ${higher}".`;
    return m;
  }

  private practiceButtons(lines: string[], withDone: boolean): Message {
    const buttons: Button[] = PRACTICES.map((p) => ({
      action: 'welcome_practice',
      label: PRACTICE_LABELS[p],
      value: p,
    }));
    if (withDone) buttons.push({ action: 'welcome_practice', label: 'Done', value: 'done', style: 'primary' });
    return message(lines, { buttons });
  }

  private changeOrExplain(ref: CoachRef, args: string, ctx: RequestContext): Message {
    try {
      return this.core.changeSettings(ref, args, ctx);
    } catch (error) {
      if (error instanceof TrellisError) return message(error.message);
      throw error;
    }
  }
}

function nextPromptLine(coach: Coach, now: Date): string {
  const next = nextPromptText(coach.settings, now);
  return next ? `Your next prompt: ${next}.` : 'No prompt is scheduled.';
}

const unavailable = () => message('That button is not available any more. Type "settings" to change your profile.');
