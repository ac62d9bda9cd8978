/**
 * bench/soak's HTTP client: one keep-alive agent for the load, a count of the requests answered, and the server's
 * memory figures (GET /bench/rss on bench/soak-server.ts).
 */
import http from 'node:http';

export class SoakClient {
  private readonly agent: http.Agent;
  /** HTTP requests answered (an op may take two: a prompt and its reply, the modal's opening and its submission). */
  requests = 0;

  constructor(maxSockets: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(
    port: number,
    method: string,
    urlPath: string,
    body?: unknown,
    raw?: { body: string; headers: Record<string, string> },
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const payload = raw ? Buffer.from(raw.body) : body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string | number> = raw
        ? { ...raw.headers, 'content-length': payload?.length ?? 0 }
        : payload
          ? { 'content-type': 'application/json', 'content-length': payload.length }
          : {};
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: urlPath,
          agent: this.agent,
          headers,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => {
            this.requests++;
            resolve({ status: res.statusCode ?? 0, text });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  async rss(port: number): Promise<number> {
    const res = await this.request(port, 'GET', '/bench/rss');
    return (JSON.parse(res.text) as { rss: number }).rss;
  }

  /** The server's whole process.memoryUsage() (no collection first). */
  async memory(port: number): Promise<Record<string, number>> {
    const res = await this.request(port, 'GET', '/bench/rss');
    return JSON.parse(res.text) as Record<string, number>;
  }

  /** The server's live heap after a forced collection (it runs with --expose-gc). */
  async liveHeap(port: number): Promise<number> {
    const res = await this.request(port, 'GET', '/bench/rss?gc=1');
    return (JSON.parse(res.text) as { heapUsed: number }).heapUsed;
  }

  destroy(): void {
    this.agent.destroy();
  }
}
