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
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error?: HttpError) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      if (error) {
        // Stop taking bytes from this client: the answer goes out and the connection closes.
        req.pause();
        reject(error);
      } else resolve({ raw: Buffer.concat(chunks, size), type: mediaType(req) });
    };
    // 'close' follows 'end' on every request: the error is built only when it is needed (a stack trace costs
    // about 3% of a busy server's CPU).
    const fail = (status: number, reason: string) => {
      if (!settled) finish(new HttpError(status, reason));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.limit) fail(413, `body larger than ${options.limit} bytes`);
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish());
    req.once('aborted', () => fail(400, 'request aborted'));
    req.once('error', () => fail(400, 'request body could not be read'));
    req.once('close', () => fail(400, 'connection closed before the body ended'));
  });
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
