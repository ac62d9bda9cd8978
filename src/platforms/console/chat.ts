import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { SelfCheckDialog } from '../../core/dialog';
import { isTrellisError } from '../../core/errors';
import { type Message, toPlainText } from '../../core/message';
import type { CoachRef } from '../../core/model';
import type { Logger } from '../../core/ports';
import { SessionDialog } from '../../core/session-dialog';
import { parseCommand, type RequestContext, type Trellis } from '../../core/trellis';
import { writeExportFiles } from './export-files';
import { lineChunks, MessageAssembler, PASTE_MS } from './input';

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

/** The chat's own words, each a line of its own: leave, and the simulated channel. */
const CHAT_WORDS = /^(quit|exit|bye|dm|channel\s+#?[\w-]{1,40})$/i;

const TYPED_BUTTONS = new Set([
  'reflect',
  'skip',
  'snooze',
  'journal_keep',
  'journal_discard',
  'deeper',
  // Their typed forms are in the message's footer ("mentor accept 3", "mentor rate 12 …").
  'mentor_accept',
  'mentor_decline',
  'mentor_rate',
]);

/** The local terminal chat: the same core and store as Slack and Teams, typed instead of clicked. */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<void> {
  const { trellis, input, output, interactive } = options;
  const ref: CoachRef = { platform: 'console', tenant: 'local', user: options.user };
  // A reader that stops early (`npm start | head`) closes the pipe: the chat stops printing but still handles every
  // line to the end, so nothing written after that point is lost, and it leaves without a stack trace.
  let outputClosed = false;
  output.on('error', () => {
    outputClosed = true;
  });
  const say = (text: string) => {
    if (!outputClosed) output.write(`${text}\n${interactive ? '' : '\n'}`);
  };
  const show = (shown: Message) => {
    // Buttons with typed equivalents (a reply is the reflection, skip, keep, discard) are not drawn here.
    const m = { ...shown, buttons: shown.buttons?.filter((b) => !TYPED_BUTTONS.has(b.action)) };
    if (!m.files?.length) return say(toPlainText(m));
    // An export: the files go to a folder, and the chat says where.
    const dir = writeExportFiles(options.exportDir ?? 'data/exports', options.user, trellis.now(), m.files);
    say(toPlainText({ ...m, files: undefined }));
    say(`Saved ${m.files.length} files in ${dir}:\n${m.files.map((f) => `  ${f.filename}`).join('\n')}`);
  };
  let dialog: SelfCheckDialog | undefined;
  let sessionDialog: SessionDialog | undefined;
  // "channel NAME" simulates typing in a team channel (for digest here, group join, digest); "dm" comes back.
  let ctx: RequestContext = {};

  const rl = readline.createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  if (interactive) {
    say(
      'Trellis, local chat. Type "help" for commands, "/selfcheck" to check in, "prompt" to reflect, "quit" to leave. Anything else you write is kept in your journal: it can run over several lines, and an empty line sends it.',
    );
    rl.setPrompt('> ');
    rl.prompt();
  }

  // Mentor messages that came while the coach was away (an invitation, a session to rate, a rating received).
  // A read-only store cannot mark them shown: they wait for the next time.
  try {
    for (const waiting of trellis.mentors.inbox(ref)) show(waiting);
  } catch (error) {
    if (!isTrellisError(error)) throw error;
  }

  const isChatCommand = (line: string) => CHAT_WORDS.test(line) || parseCommand(line) !== undefined;
  const assembler = new MessageAssembler(isChatCommand);

  /** One answer to the self-check dialog. */
  const answerDialog = (current: SelfCheckDialog, line: string) => {
    const step = current.answer(line);
    // Words that are not an answer here (writing where a rating was asked, a note too long) go to the journal.
    const keepAside = () => {
      if ('aside' in step && step.aside) show(trellis.conversation.freeText(ref, step.aside, ctx));
    };
    if (!step.done) {
      if (step.error) say(step.error);
      keepAside();
      say(step.question);
      return;
    }
    dialog = undefined;
    if ('cancelled' in step) say('Cancelled; nothing was saved.');
    else {
      show(trellis.recordSelfCheck(ref, step.input).reply);
      if (step.aside) say('Your note was longer than a note holds, so it is kept in your journal instead:');
      keepAside();
    }
    welcomeOnce();
  };

  /** The welcome, once per coach, after their first command or text was answered (core welcome.ts). */
  const welcomeOnce = () => {
    const welcome = trellis.welcome.once(ref, ctx);
    if (welcome) show(welcome);
  };

  /** One answer to the session dialog (`/selfcheck session`, session-dialog.ts). */
  const answerSession = (current: SessionDialog, line: string) => {
    const step = current.answer(line);
    if (!step.done) {
      if (step.error) say(step.error);
      say(step.question);
      return;
    }
    sessionDialog = undefined;
    if ('cancelled' in step) say('Cancelled; nothing was saved.');
    else show(trellis.journey.recordSession(ref, step.input).reply);
  };

  /** One whole message: a chat word, a command, or free text; false once the coach leaves. */
  const handle = (text: string): boolean => {
    const trimmed = text.trim();
    if (/^(quit|exit|bye)$/i.test(trimmed)) return false;
    if (/^channel\s+#?[\w-]{1,40}$/i.test(trimmed)) {
      const name = trimmed.split(/\s+/)[1].replace(/^#/, '');
      ctx = { channel: { id: `local-${name}`, kind: 'group', name } };
      say(`Now typing in #${name}, a simulated channel ("dm" to go back).`);
    } else if (/^dm$/i.test(trimmed)) {
      ctx = {};
      say('Back in your direct messages.');
    } else {
      const reply = trellis.handleText(ref, text, ctx);
      if (reply.type === 'messages') reply.messages.forEach(show);
      else if (reply.type === 'settings_form') show(trellis.settings(ref));
      else if (reply.type === 'session_form') {
        sessionDialog = new SessionDialog(trellis.today(trellis.coach(ref)), reply.prefill);
        const first = sessionDialog.start();
        if (!first.done) say(`Log one client session ("cancel" to stop).\n${first.question}`);
      }
      // The welcome waits while a dialog is open.
      if (reply.type === 'messages' || reply.type === 'settings_form') welcomeOnce();
      else if (reply.type === 'selfcheck_form') {
        dialog = new SelfCheckDialog();
        const first = dialog.start();
        if (!first.done) say(`Rate each behaviour from your recent sessions ("cancel" to stop).\n${first.question}`);
      }
    }
    return true;
  };

  /** Runs `work`; a problem the coach can fix gets its message, anything else is ours: logged, the chat goes on. */
  const guarded = (work: () => boolean): boolean => {
    try {
      return work();
    } catch (error) {
      if (isTrellisError(error)) say(error.message);
      else {
        options.log.error('console chat: command failed', { error });
        say('Something went wrong on my side and nothing was saved. Please try again.');
      }
      return true;
    }
  };

  let going = true;
  for await (const chunk of lineChunks(rl, interactive ? PASTE_MS : undefined)) {
    const lines = [...chunk];
    // The self-check dialog takes one answer per line, typed or pasted.
    while ((dialog || sessionDialog) && lines.length > 0) {
      const line = lines.shift() ?? '';
      const [current, session] = [dialog, sessionDialog];
      guarded(() => {
        if (current) answerDialog(current, line);
        else if (session) answerSession(session, line);
        return true;
      });
    }
    for (const text of lines.length > 0 ? assembler.feed(lines) : []) {
      going = guarded(() => handle(text));
      if (!going) break;
    }
    if (!going) break;
    if (interactive) {
      rl.setPrompt(assembler.drafting ? '… ' : '> ');
      rl.prompt();
    }
  }
  // End of input sends what was being written.
  if (going) for (const text of assembler.end()) if (!guarded(() => handle(text))) break;
  rl.close();
}
