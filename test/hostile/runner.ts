import net from 'node:net';
import type { HostileCase } from './cases';

export interface CaseResult {
  name: string;
  /** The status the server answered, or 0 when it closed without an answer. */
  status: number;
  body: string;
}

function materialise(body: HostileCase['body']): Buffer {
  const value = typeof body === 'function' ? body() : body;
  if (value === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
}

/** The request as bytes: head, then the body (chunk-encoded when asked). */
function build(c: HostileCase, host: string): { head: Buffer; body: Buffer } {
  const body = materialise(c.body);
  const headers: Record<string, string> = { host, connection: 'close', ...c.headers };
  if (c.chunked) headers['transfer-encoding'] = 'chunked';
  else headers['content-length'] = String(c.declaredLength ?? body.length);
  const head = Buffer.from(
    `${c.method} ${c.path} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\n\r\n`,
    'latin1',
  );
  if (!c.chunked) return { head, body };
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += 64 * 1024) {
    const part = body.subarray(i, i + 64 * 1024);
    chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from('0\r\n\r\n'));
  return { head, body: Buffer.concat(chunks) };
}

/**
 * Sends one case over a raw TCP connection and returns the server's first answer. The body goes out in 64 KiB
 * pieces and stops as soon as the server has answered (a refused body is not pushed on), so a 413 sent early is
 * read rather than lost to a reset. Bounded by `timeoutMs`.
 */
export function runCase(port: number, c: HostileCase, timeoutMs = 10_000): Promise<CaseResult> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = received.toString('utf8');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const split = text.indexOf('\r\n\r\n');
      resolve({ name: c.name, status, body: split >= 0 ? text.slice(split + 4) : '' });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.on('connect', () => {
      const { head, body } =
        c.raw !== undefined ? { head: Buffer.from(c.raw), body: Buffer.alloc(0) } : build(c, `127.0.0.1:${port}`);
      const toSend = c.stallAfter !== undefined ? body.subarray(0, c.stallAfter) : body;
      let offset = 0;
      const next = () => {
        if (done || received.length > 0 || socket.destroyed) return;
        if (offset >= toSend.length) return; // all sent (or stalled on purpose): wait for the answer
        const piece = toSend.subarray(offset, offset + 64 * 1024);
        offset += piece.length;
        socket.write(piece, next);
      };
      socket.write(head, next);
    });
  });
}

/** Runs every case in order; after each, `check` may assert the server still serves good requests. */
export async function runCatalogue(
  port: number,
  cases: readonly HostileCase[],
  after?: (c: HostileCase, result: CaseResult) => Promise<void> | void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const result = await runCase(port, c);
    results.push(result);
    await after?.(c, result);
  }
  return results;
}
