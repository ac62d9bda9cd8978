import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { SelfCheckDialog } from '../../core/dialog';
import { isTrellisError } from '../../core/errors';
import { type Message, toPlainText } from '../../core/message';
import type { CoachRef } from '../../core/model';
import type { Logger } from '../../core/ports';
import type { RequestContext, Trellis } from '../../core/trellis';
import { writeExportFiles } from './export-files';

export interface ConsoleChatOptions {
  trellis: Trellis;
  user: string;
  input: Readable;
  output: Writable;
  /** A terminal: greet, show a "> " prompt. Otherwise read one command per line and exit at end of input. */
  interactive: boolean;
  log: Logger;
  /** Where an export's files are written (default data/exports). */
  exportDir?: string;
}

const PROMPT_BUTTONS = new Set(['reflect', 'skip', 'snooze']);

/** The local terminal chat: the same core and store as Slack and Teams, typed instead of clicked. */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<void> {
  const { trellis, input, output, interactive } = options;
  const ref: CoachRef = { platform: 'console', tenant: 'local', user: options.user };
  const say = (text: string) => output.write(`${text}\n${interactive ? '' : '\n'}`);
  const show = (shown: Message) => {
    // Prompt buttons have typed equivalents here (a reply is the reflection), so they are not drawn.
    const m = { ...shown, buttons: shown.buttons?.filter((b) => !PROMPT_BUTTONS.has(b.action)) };
    if (!m.files?.length) return say(toPlainText(m));
    // An export: the files go to a folder, and the chat says where.
    const dir = writeExportFiles(options.exportDir ?? 'data/exports', options.user, trellis.now(), m.files);
    say(toPlainText({ ...m, files: undefined }));
    say(`Saved ${m.files.length} files in ${dir}:\n${m.files.map((f) => `  ${f.filename}`).join('\n')}`);
  };
  let dialog: SelfCheckDialog | undefined;
  // "channel NAME" simulates typing in a team channel (for digest here, group join, digest); "dm" comes back.
  let ctx: RequestContext = {};

  const rl = readline.createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  if (interactive) {
    say(
      'Trellis, local chat. Type "help" for commands, "/selfcheck" to check in, "prompt" to reflect, "quit" to leave.',
    );
    rl.setPrompt('> ');
    rl.prompt();
  }

  for await (const line of rl) {
    try {
      if (dialog) {
        const step = dialog.answer(line);
        if (!step.done) {
          if (step.error) say(step.error);
          say(step.question);
        } else {
          dialog = undefined;
          if ('cancelled' in step) say('Cancelled; nothing was saved.');
          else show(trellis.recordSelfCheck(ref, step.input).reply);
        }
      } else if (/^(quit|exit|bye)$/i.test(line.trim())) {
        break;
      } else if (/^channel\s+#?[\w-]{1,40}$/i.test(line.trim())) {
        const name = line.trim().split(/\s+/)[1].replace(/^#/, '');
        ctx = { channel: { id: `local-${name}`, kind: 'group', name } };
        say(`Now typing in #${name}, a simulated channel ("dm" to go back).`);
      } else if (/^dm$/i.test(line.trim())) {
        ctx = {};
        say('Back in your direct messages.');
      } else if (line.trim() !== '') {
        const reply = trellis.handleText(ref, line, ctx);
        if (reply.type === 'messages') reply.messages.forEach(show);
        else if (reply.type === 'settings_form') show(trellis.settings(ref));
        else {
          dialog = new SelfCheckDialog();
          const first = dialog.start();
          if (!first.done) say(`Rate each behaviour from your recent sessions ("cancel" to stop).\n${first.question}`);
        }
      }
    } catch (error) {
      // A problem the coach can fix gets its message; anything else is ours: log it and keep the chat going.
      if (isTrellisError(error)) say(error.message);
      else {
        options.log.error('console chat: command failed', { error });
        say('Something went wrong on my side and nothing was saved. Please try again.');
      }
    }
    if (interactive) rl.prompt();
  }
  rl.close();
}
