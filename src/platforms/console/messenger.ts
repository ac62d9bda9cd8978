import type { Writable } from 'node:stream';
import { DeliveryError } from '../../core/errors';
import { type Message, toPlainText } from '../../core/message';
import type { Coach } from '../../core/model';
import type { Messenger } from '../../core/ports';

/**
 * Scheduled prompts for the local terminal chat: printed into the running chat, for the one coach at this
 * terminal. Other console coaches (demo data, other users) are not reachable from here.
 */
export class ConsoleMessenger implements Messenger {
  readonly platform = 'console' as const;

  constructor(
    private readonly output: Writable,
    private readonly user: string,
    private readonly interactive: boolean,
  ) {}

  /** Only the coach at this terminal: the scheduler moves the others' schedule on without sending. */
  reaches(coach: Coach): boolean {
    return coach.platform === 'console' && coach.tenant === 'local' && coach.user === this.user;
  }

  async sendDirect(coach: Coach, message: Message): Promise<{ messageId?: string }> {
    if (!this.reaches(coach)) throw new DeliveryError('unreachable', 'not the coach at this terminal');
    // Start on a fresh line (the coach may be mid-prompt) and give the prompt back afterwards.
    this.output.write(`\n${toPlainText(message)}\n${this.interactive ? '> ' : '\n'}`);
    return {};
  }
}
