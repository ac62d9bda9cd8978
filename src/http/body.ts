import type { IncomingMessage } from 'node:http';

/** An HTTP answer to a request the route cannot take: the status and a short reason for the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface BodyOptions {
  /** Most bytes accepted; more is refused with 413 before the body is read whole. */
  limit: number;
  /** Media types accepted (e.g. "application/json"); anything else is refused with 415. Unset: any. */
  types?: readonly string[];
}

/** 1 MiB: far above what Slack and Teams send, far below what would hurt. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** The media type without parameters, lower case: "application/json; charset=utf-8" -> "application/json". */
export function mediaType(req: IncomingMessage): string | undefined {
  const header = req.headers['content-type'];
  if (!header) return undefined;
  return header.split(';')[0].trim().toLowerCase() || undefined;
}

/** Checks what the headers promise, before a byte of the body is read: type (415) and declared length (413). */
export function checkBodyHeaders(req: IncomingMessage, options: BodyOptions): void {
  if (options.types) {
    const type = mediaType(req);
    if (!type || !options.types.includes(type)) {
      throw new HttpError(415, `content type must be ${options.types.join(' or ')}`);
    }
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared)) throw new HttpError(400, 'invalid content-length');
    if (Number(declared) > options.limit) throw new HttpError(413, `body larger than ${options.limit} bytes`);
  }
}

/**
 * Reads a request body up to `limit` bytes. Refuses a wrong content type (415) and a declared length over the limit
 * (413) before reading; counts bytes while streaming, so a chunked or lying body is cut off at the limit (413).
 */
export function readBody(req: IncomingMessage, options: BodyOptions): Promise<{ raw: Buffer; type?: string }> {
  checkBodyHeaders(req, options);
  return new Promise((resolve, reject) => {
    new BodyReader(req, options.limit, resolve, reject);
  });
}

/**
 * One request's body being read. A class, not closures held in constants: under tsx (keepNames) each of those got a
 * defineProperty call for its name on every request, about 1% of a busy server's CPU.
 */
class BodyReader {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;
  private readonly onData = this.data.bind(this);

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
    private readonly resolve: (body: { raw: Buffer; type?: string }) => void,
    private readonly reject: (error: HttpError) => void,
  ) {
    req.on('data', this.onData);
    req.once('end', () => this.finish());
    req.once('aborted', () => this.fail(400, 'request aborted'));
    req.once('error', () => this.fail(400, 'request body could not be read'));
    req.once('close', () => this.fail(400, 'connection closed before the body ended'));
  }

  private data(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.limit) this.fail(413, `body larger than ${this.limit} bytes`);
    else this.chunks.push(chunk);
  }

  // 'close' follows 'end' on every request: the error is built only when it is needed (a stack trace costs about 3%
  // of a busy server's CPU).
  private fail(status: number, reason: string): void {
    if (!this.settled) this.finish(new HttpError(status, reason));
  }

  private finish(error?: HttpError): void {
    if (this.settled) return;
    this.settled = true;
    this.req.off('data', this.onData);
    if (error) {
      // Stop taking bytes from this client: the answer goes out and the connection closes.
      this.req.pause();
      this.reject(error);
    } else this.resolve({ raw: Buffer.concat(this.chunks, this.size), type: mediaType(this.req) });
  }
}

/** Parses a JSON body; a body that is not JSON is a 400 with a reason, never a crash. */
export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

/** Parses a form body (application/x-www-form-urlencoded) into its fields; the last value of a repeated field wins. */
export function parseFormBody(raw: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}
