import { isBehaviourKey } from './behaviours';
import { TrellisError } from './errors';
import { type Message, message } from './message';
import type { Coach, CoachRef, PromptIssue } from './model';
import type { Clock, Logger, Repositories } from './ports';
import { type Prompt, STAGES, type Stage } from './prompt-schema';
import { type PromptCatalog, promptById } from './prompts';
import { addDays } from './time';

/**
 * "Go deeper": after a reflection on a prompt, the next stage of the reflective cycle on the same moment
 * (describe → feelings → analyse → plan). The answer is a reflection of its own, linked to the same prompt issue.
 */

/** The stages "Go deeper" walks through, in the order of the schema's STAGES. */
export const DEEPER_PATH: readonly Stage[] = ['describe', 'feelings', 'analyse', 'plan'];

/** A prompt can be taken deeper this many days after it was issued. */
const DEEPER_DAYS = 3;

/** The next stage on the path after `stage`, or undefined at the end (plan). */
export function nextStage(stage: Stage): Stage | undefined {
  const at = STAGES.indexOf(stage);
  return DEEPER_PATH.find((s) => STAGES.indexOf(s) > at);
}

/** The stage the next "Go deeper" question asks about, once a prompt has `answers` reflections on it. */
export function stageAfter(prompt: Prompt, answers: number): Stage | undefined {
  let stage: Stage | undefined = prompt.stage;
  for (let i = 0; i < answers && stage !== undefined; i++) stage = nextStage(stage);
  return answers === 0 ? undefined : stage;
}

const STAGE_TITLE: Partial<Record<Stage, string>> = {
  feelings: 'Going deeper: what you felt',
  analyse: 'Going deeper: what you make of it',
  plan: 'Going deeper: what you will do next',
};

export interface DeeperDeps {
  repos: Repositories;
  catalog: PromptCatalog;
  clock: Clock;
  log: Logger;
}

export interface DeeperCore {
  coach(ref: CoachRef, ctx?: object): Coach;
  today(coach: Coach): string;
}

/**
 * Asking to go deeper opens the prompt issue again, so the coach's next free text answers it by the usual rule (the
 * latest prompt, open, no older than three days) and `skip` sets the question aside: the state is in the store, so
 * it holds across processes and restarts, and needs no column of its own.
 */
export class Deeper {
  constructor(
    private readonly deps: DeeperDeps,
    private readonly core: DeeperCore,
  ) {}

  /** How many reflections a prompt issue has (the first answer and any deeper ones). */
  answers(coach: Coach, issue: PromptIssue): number {
    return this.deps.repos.reflections
      .between(coach.id, issue.localDate, addDays(this.core.today(coach), 1))
      .filter((r) => r.promptIssueId === issue.id).length;
  }

  /** The next stage for an issue, or undefined when the cycle is complete or the prompt is unknown. */
  private next(coach: Coach, issue: PromptIssue): { prompt: Prompt; stage: Stage } | undefined {
    const prompt = promptById(this.deps.catalog, issue.promptId);
    if (!prompt) return undefined;
    const stage = stageAfter(prompt, this.answers(coach, issue));
    return stage ? { prompt, stage } : undefined;
  }

  /** The reply after a reflection was saved on `issue`: with a "Go deeper" button while a next stage is left. */
  afterReflection(coach: Coach, issue: PromptIssue | undefined, reply: Message): Message {
    if (!issue || !this.next(coach, issue)) return reply;
    return {
      ...reply,
      buttons: [...(reply.buttons ?? []), { action: 'deeper', label: 'Go deeper', value: String(issue.id) }],
      footer:
        coach.platform === 'console'
          ? 'Type "deeper" to take the same moment one step further.'
          : 'Go deeper takes the same moment one step further.',
    };
  }

  /**
   * The "Go deeper" button (issueId) or typed `deeper` (the latest answered prompt): the next stage's question on
   * the same moment. The coach's next free text answers it (the issue is open again).
   */
  offer(ref: CoachRef, issueId: number | undefined, ctx: object = {}): Message {
    const coach = this.core.coach(ref, ctx);
    const { promptIssues } = this.deps.repos;
    const issue = issueId === undefined ? promptIssues.latest(coach.id) : promptIssues.byId(issueId);
    const recent = issue && issue.localDate >= addDays(this.core.today(coach), -DEEPER_DAYS);
    const latest = issue && promptIssues.latest(coach.id)?.id === issue.id;
    if (issue && issue.coachId === coach.id && recent && !latest) {
      throw new TrellisError(
        'no_prompt',
        'A newer prompt has come since that one; reply to it, or type "deeper" after you have.',
      );
    }
    if (!issue || issue.coachId !== coach.id || !recent || this.answers(coach, issue) === 0) {
      throw new TrellisError(
        'no_prompt',
        'There is no recent reflection on a prompt to take deeper. Type "prompt" for today\'s, and reply to it first.',
      );
    }
    const next = this.next(coach, issue);
    if (!next) {
      return message('You have taken this moment all the way to a plan. Well done; the next prompt brings a new one.');
    }
    const question = this.deps.catalog.deeperQuestions.find(
      (q) => q.stage === next.stage && q.behaviour === next.prompt.behaviours[0],
    );
    if (!question) return message('There is no further question for this prompt.');
    // Open again: the next free text answers it (and is linked to it), as a reply to any prompt would be.
    promptIssues.setStatus(issue.id, 'open');
    this.deps.log.info('deeper question offered', { coach: coach.id, issueId: issue.id, stage: next.stage });
    return message([question.text], {
      title: STAGE_TITLE[next.stage] ?? 'Going deeper',
      footer: 'Reply with a few lines; they are saved with your reflection on the same prompt.',
    });
  }
}

/** `deeper` (or `go deeper`), in its exact forms. */
export function parseDeeperCommand(text: string): { name: 'deeper'; args: '' } | undefined {
  return /^\/?(?:go\s+)?deeper$/i.test(text.trim()) ? { name: 'deeper', args: '' } : undefined;
}

/** `tip` or `tip <behaviour>` (a behaviour key), in its exact forms; "tip please" is free text, asked about. */
export function parseTipCommand(text: string): { name: 'tip'; args: string } | undefined {
  const m = /^\/?tip(?:\s+(\w+))?$/i.exec(text.trim());
  if (!m) return undefined;
  const args = (m[1] ?? '').toLowerCase();
  return args === '' || isBehaviourKey(args) ? { name: 'tip', args } : undefined;
}
