import type { Deeper } from './deeper';
import { TrellisError } from './errors';
import { type Message, message } from './message';
import type { Coach, CoachRef, PromptIssue, Reflection } from './model';
import type { Clock, Logger, Repositories } from './ports';
import { REFLECTION_NOT_SHOWN } from './privacy-notice';
import type { Prompt } from './prompt-schema';
import { choosePrompt, type PromptCatalog, promptById, promptFooter } from './prompts';
import { cleanText } from './selfcheck';
import { addDays, localDate } from './time';
import type { RequestContext } from './trellis';

export const REFLECTION_MAX = 4000;

export interface ReflectionDeps {
  repos: Repositories;
  catalog: PromptCatalog;
  clock: Clock;
  log: Logger;
}

/** What prompts and reflections need from the rest of the core (Trellis supplies it). */
export interface ReflectionCore {
  coach(ref: CoachRef, ctx?: RequestContext): Coach;
  today(coach: Coach): string;
  /** "Go deeper" (deeper.ts): how many answers a prompt has, and the button after a reflection. */
  readonly deeper: Pick<Deeper, 'answers' | 'afterReflection'>;
}

/** Prompts and reflections: issuing the day's prompt, skipping and snoozing it, saving what a coach writes. */
export class Reflections {
  constructor(
    private readonly deps: ReflectionDeps,
    private readonly core: ReflectionCore,
  ) {}

  /** Today's prompt for the coach: issued once per local date and then the same all day. */
  todaysPrompt(ref: CoachRef, ctx: RequestContext = {}): { issue: PromptIssue; prompt: Prompt; reply: Message } {
    const coach = this.core.coach(ref, ctx);
    return this.issuePrompt(coach, this.core.today(coach));
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
        practices: coach.settings.practices,
        history: repos.promptIssues.history(coach.id),
        recentRatings: recent,
      });
      issue = repos.promptIssues.issue(coach.id, prompt.id, date, this.deps.clock.now().toISOString());
    }
    return { issue, prompt, reply: this.promptMessage(issue, prompt) };
  }

  promptMessage(issue: PromptIssue, prompt: Prompt): Message {
    return message([prompt.text], {
      title: "Today's reflection",
      footer: promptFooter(this.deps.catalog, prompt),
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
    if (latest.localDate < addDays(this.core.today(coach), -3)) return undefined;
    return latest;
  }

  saveReflection(
    ref: CoachRef,
    text: string,
    ctx: RequestContext = {},
    promptIssueId?: number | null,
    writtenAt?: Date,
  ): { reflection: Reflection; created: boolean; reply: Message } {
    const coach = this.core.coach(ref, ctx);
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
    // A prompt answered before, opened again by "Go deeper": this answer goes with the first.
    const deeper = issue !== undefined && this.core.deeper.answers(coach, issue) > 0;
    const now = writtenAt ?? this.deps.clock.now();
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
    const saved = deeper
      ? 'Saved to your journal with your reflection on the same prompt.'
      : issue
        ? 'Saved to your journal as your reply to the prompt.'
        : 'Saved to your journal as an entry of its own.';
    const reply = message(`${saved} ${REFLECTION_NOT_SHOWN}`);
    return { ...result, reply: this.core.deeper.afterReflection(coach, issue, reply) };
  }

  /** Skip or snooze the coach's prompt. Snoozing leaves it open, so a later plain reply still answers it. */
  setPromptStatus(ref: CoachRef, issueId: number, status: 'skipped' | 'snoozed', ctx: RequestContext = {}): Message {
    const coach = this.core.coach(ref, ctx);
    const issue = this.deps.repos.promptIssues.byId(issueId);
    if (!issue || issue.coachId !== coach.id)
      throw new TrellisError('no_prompt', 'That prompt is no longer available; type "prompt" for today\'s.');
    if (issue.status === 'answered') return message('You have already answered this prompt. Thank you!');
    if (status === 'skipped' && this.core.deeper.answers(coach, issue) > 0) {
      // A "Go deeper" question set aside: the prompt stays answered, with what the coach wrote on it.
      this.deps.repos.promptIssues.setStatus(issue.id, 'answered');
      return message('Set aside. What you wrote on this prompt stays in your journal.');
    }
    this.deps.repos.promptIssues.setStatus(issue.id, status);
    return status === 'skipped'
      ? message('Skipped. A new prompt comes on your next prompt day.')
      : message('Snoozed. I will bring it back later today; you can also reply any time.');
  }

  /** The prompt behind one of the coach's prompt issues, for a platform that shows it again (a Reflect form). */
  promptForIssue(ref: CoachRef, issueId: number, ctx: RequestContext = {}): { issue: PromptIssue; prompt: Prompt } {
    const coach = this.core.coach(ref, ctx);
    const issue = this.deps.repos.promptIssues.byId(issueId);
    const prompt = issue && issue.coachId === coach.id ? promptById(this.deps.catalog, issue.promptId) : undefined;
    if (!issue || !prompt)
      throw new TrellisError('no_prompt', 'That prompt is no longer available; type "prompt" for today\'s.');
    return { issue, prompt };
  }
}
