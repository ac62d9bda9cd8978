/**
 * The wire side of the fake Slack Web API (fake-slack-api.ts): an HTTP server on 127.0.0.1 that parses each call
 * (JSON, or form fields), records it and what it was answered, and writes the answer back (or resets the
 * connection). What a call is answered is the fake API's business: `answer` decides.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordSent } from './sent-payloads';

/** One Web API call as the fake received it. */
export interface RecordedCall {
  method: string;
  /** The parsed body: JSON, or form fields (with JSON-looking values such as `blocks` parsed). */
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  at: number;
  /** The raw body of a file upload (`upload/…`): the bytes Slack would store, as UTF-8. */
  raw?: string;
  /**
   * The same upload's file as Slack would store it, byte for byte (a PDF is binary: UTF-8 text of it would not be
   * the file): the body itself, or the file part of a multipart/form-data body (what files.uploadV2 sends).
   */
  bytes?: Buffer;
  /** What the fake answered (status and JSON body). */
  response?: { status: number; json?: Record<string, unknown> };
  /** The bearer token the call carried (Authorization header), if any. */
  token?: string;
}

/** The file in an upload: a multipart/form-data body's file part (its bytes between the headers and the boundary). */
export function uploadedFile(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = /multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!boundary) return body;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const headersEnd = body.indexOf('\r\n\r\n', at);
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (headersEnd < 0 || next < 0) break;
    const headers = body.subarray(at, headersEnd).toString('utf8');
    // The part's content ends with the CRLF before the next delimiter.
    if (/filename=/i.test(headers)) return body.subarray(headersEnd + 4, next - 2);
    at = next;
  }
  return body;
}

/** What the fake answers: a JSON body, or an HTTP status with headers (429 + Retry-After, 500). */
export type FakeResponse =
  | { status?: 200; json: Record<string, unknown> }
  | { status: number; headers?: Record<string, string>; json?: Record<string, unknown> }
  /** No answer: the connection is reset (kept with `refused`, status 0). */
  | { reset: true };

export type Responder = (call: RecordedCall) => FakeResponse | undefined | Promise<FakeResponse | undefined>;

export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (/^[[{]/.test(value)) {
      try {
        out[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON after all: keep the string
      }
    }
    out[key] = value;
  }
  return out;
}

export class FakeSlackWire {
  readonly calls: RecordedCall[] = [];
  /** Calls answered with an HTTP error status (429, 5xx): kept apart so `calls` holds what Slack accepted. */
  readonly refused: RecordedCall[] = [];
  private readonly server: http.Server;
  /** The Web API's base URL once started ("http://127.0.0.1:port/api/"). */
  url = '';

  constructor(private readonly answer: (call: RecordedCall) => Promise<FakeResponse>) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => void this.handle(req, res, Buffer.concat(chunks)));
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, bytes: Buffer): Promise<void> {
    const raw = bytes.toString('utf8');
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, req.headers['content-type']);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const call: RecordedCall = { method, body, headers: req.headers, at: Date.now(), token: bearer };
    if (!method.startsWith('upload/')) recordSent({ platform: 'slack', method, body });
    if (method.startsWith('upload/')) {
      call.raw = raw;
      call.bytes = uploadedFile(bytes, req.headers['content-type']);
    }
    const response = await this.answer(call);
    if ('reset' in response) {
      call.response = { status: 0 };
      this.refused.push(call);
      req.socket.destroy();
      return;
    }
    call.response = { status: response.status ?? 200, json: response.json };
    if (response.status === undefined || response.status === 200) this.calls.push(call);
    else this.refused.push(call);
    const headers = { 'content-type': 'application/json', ...('headers' in response ? response.headers : {}) };
    res.writeHead(response.status ?? 200, headers).end(JSON.stringify(response.json ?? { ok: false }));
  }
}
