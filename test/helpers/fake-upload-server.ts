import http from 'node:http';
import { closeServer, listenOnLoopback } from './loopback';

/** One upload as the fake received it: the exact bytes and headers. */
export interface UploadCall {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A fake OneDrive upload session on 127.0.0.1: the place a Teams file-consent accept points the bot at
 * (uploadInfo.uploadUrl). Records every request with its body; can answer an error or never answer.
 */
export class FakeUploadServer {
  readonly calls: UploadCall[] = [];
  private readonly server: http.Server;
  private next: ({ status: number } | 'hang')[] = [];
  url = '';

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.calls.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        const answer = this.next.shift() ?? { status: 201 };
        if (answer === 'hang') return;
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.status < 300 ? { id: `item-${this.calls.length}` } : { error: 'fake failure' }));
      });
    });
  }

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  /** Answers the next upload with this status (a 500, a 413). */
  failNext(status: number): void {
    this.next.push({ status });
  }

  /** Never answers the next upload, so the bot's timeout has to end it. */
  hangNext(): void {
    this.next.push('hang');
  }
}
