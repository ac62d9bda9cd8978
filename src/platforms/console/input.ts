import type readline from 'node:readline';

/** Lines arriving closer together than this come from one paste, not from typing. */
export const PASTE_MS = 25;

/**
 * The lines of the chat's input in chunks: in a terminal, lines arriving within `pasteMs` of each other are one
 * chunk (a paste); piped input (`pasteMs` undefined) gives each line alone, so one command per line keeps working.
 */
export async function* lineChunks(rl: readline.Interface, pasteMs?: number): AsyncGenerator<string[]> {
  const ready: string[][] = [];
  let current: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const flush = () => {
    timer = undefined;
    if (current.length) ready.push(current);
    current = [];
    wake?.();
  };
  rl.on('line', (line) => {
    current.push(line);
    if (pasteMs === undefined) return flush();
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, pasteMs);
  });
  rl.on('close', () => {
    if (timer) clearTimeout(timer);
    closed = true;
    flush();
  });
  while (true) {
    const chunk = ready.shift();
    if (chunk) {
      yield chunk;
      continue;
    }
    if (closed) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
}

/**
 * Turns chunks of lines into the messages a coach meant. A command is one line. Free text can run over several
 * lines and is sent by an empty line, by a command on the next line, or by the end of the input; a paste of several
 * lines is one message as it stands, empty lines and all.
 */
export class MessageAssembler {
  private draft: string[] = [];

  constructor(private readonly isCommand: (line: string) => boolean) {}

  /** Whether free text is being written (the chat shows a continuation prompt). */
  get drafting(): boolean {
    return this.draft.length > 0;
  }

  /** The messages complete after this chunk, in order. */
  feed(chunk: readonly string[]): string[] {
    if (chunk.length > 1) {
      const pasted = [...this.draft, ...chunk].join('\n').trim();
      this.draft = [];
      return pasted === '' ? [] : [pasted];
    }
    const line = chunk[0] ?? '';
    if (line.trim() === '') return this.end();
    if (this.isCommand(line.trim())) return [...this.end(), line];
    this.draft.push(line);
    return [];
  }

  /** What is left when the input ends (or an empty line arrives). */
  end(): string[] {
    const text = this.draft.join('\n').trim();
    this.draft = [];
    return text === '' ? [] : [text];
  }
}
