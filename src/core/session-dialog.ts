import { isTrellisError, TrellisError } from './errors';
import type { SessionPrefill } from './journey';
import { MARKER_IDS, type MarkerId, RUBRIC } from './rubric';
import {
  CLIENT_CODE_WHY,
  parseClientCode,
  parseEvidence,
  parseMinutes,
  parseObservation,
  parseParticipants,
  parseSessionDate,
  type SessionInput,
} from './session-input';
import type { MarkerRating } from './sessions';

export type SessionDialogStep =
  | { done: false; question: string; error?: string }
  | { done: true; input: SessionInput }
  | { done: true; cancelled: true };

type Step = { question: () => string; answer: (text: string) => void };

/**
 * `/selfcheck session` in a chat without forms (the terminal): one question a line, the same checks as the forms.
 * Nothing is stored until the last answer; "cancel" at any point drops it.
 */
export class SessionDialog {
  private readonly input: Partial<SessionInput> & { ratings: MarkerRating[] } = { ratings: [] };
  private readonly steps: Step[];
  private index = 0;

  constructor(
    private readonly today: string,
    prefill: SessionPrefill = {},
  ) {
    const hint = (value: string | number | undefined) => (value === undefined ? '' : ` (Enter for ${value})`);
    const orDefault = (text: string, value: string | number | undefined) =>
      text === '' && value !== undefined ? String(value) : text;
    this.steps = [
      {
        question: () => `Date of the session: YYYY-MM-DD${hint(prefill.date ?? 'today')}`,
        answer: (t) => {
          this.input.date = parseSessionDate(orDefault(t, prefill.date), this.today);
        },
      },
      {
        question: () => `Minutes${hint(prefill.minutes)}`,
        answer: (t) => {
          this.input.minutes = parseMinutes(orDefault(t, prefill.minutes));
        },
      },
      {
        question: () => 'Paid or pro bono? (paid / probono, Enter for paid)',
        answer: (t) => {
          const v = t.toLowerCase();
          if (!['', 'paid', 'probono', 'pro bono', 'pro-bono'].includes(v))
            throw new TrellisError('invalid_session', 'Say paid or probono.');
          this.input.paid = v === '' || v === 'paid';
        },
      },
      {
        question: () => 'Individual or group? (Enter for individual, or "group 6")',
        answer: (t) => {
          const m = /^group\s+(\S+)$/i.exec(t);
          if (t === '' || /^(individual|1:1)$/i.test(t)) this.input.participants = 1;
          else if (m) this.input.participants = parseParticipants(m[1]);
          else this.input.participants = parseParticipants('');
        },
      },
      {
        question: () => `Client code${hint(prefill.clientCode)}. ${CLIENT_CODE_WHY}`,
        answer: (t) => {
          this.input.clientCode = parseClientCode(orDefault(t, prefill.clientCode));
        },
      },
      ...MARKER_IDS.map(
        (id): Step => ({
          question: () =>
            `Marker ${id} ${RUBRIC.markers.find((m) => m.id === id)?.short ?? ''}: observed, partly, not, or - to leave it out`,
          answer: (t) => {
            const observed = parseObservation(t, id);
            if (observed) this.input.ratings.push({ marker: id, observed, evidence: null });
          },
        }),
      ),
      ...MARKER_IDS.map(
        (id): Step => ({
          question: () => `Evidence for ${id}: what exactly did you say? (- for none; kept like your notes)`,
          answer: (t) => {
            const rating = this.rating(id);
            if (rating) rating.evidence = parseEvidence(t, id);
          },
        }),
      ),
    ];
  }

  private rating(id: MarkerId): MarkerRating | undefined {
    return this.input.ratings.find((r) => r.marker === id);
  }

  /** Evidence questions only for the markers rated. */
  private skipUnasked(): void {
    while (this.index < this.steps.length && this.index >= 5 + MARKER_IDS.length) {
      const id = MARKER_IDS[this.index - 5 - MARKER_IDS.length];
      if (this.rating(id)) return;
      this.index++;
    }
  }

  start(): SessionDialogStep {
    return { done: false, question: this.steps[0].question() };
  }

  answer(line: string): SessionDialogStep {
    const text = line.trim();
    if (/^(cancel|quit|stop)$/i.test(text)) return { done: true, cancelled: true };
    const step = this.steps[this.index];
    try {
      step.answer(text);
    } catch (error) {
      if (!isTrellisError(error)) throw error;
      return { done: false, question: step.question(), error: error.message };
    }
    this.index++;
    this.skipUnasked();
    if (this.index < this.steps.length) return { done: false, question: this.steps[this.index].question() };
    const { date, minutes, paid, participants, clientCode, ratings } = this.input;
    return {
      done: true,
      input: {
        date: date as string,
        minutes: minutes as number,
        paid: paid as boolean,
        participants: participants as number,
        clientCode: clientCode as string,
        ratings,
      },
    };
  }
}
