import http from 'node:http';
import { HttpError, parseFormBody, readBody } from '../../src/http/body';
import { type BufferedRequest, HttpServer } from '../../src/http/server';
import { createLogger } from '../../src/log';
import { runCase } from '../hostile/runner';

/** A POST with a body, over the real network stack. */
function post(port: number, path: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('readBody and route body options', () => {
  const server = new HttpServer(createLogger('silent'), { requestTimeoutMs: 2000, timeoutCheckMs: 100 });
  let port = 0;
  const seen: string[] = [];

  beforeAll(async () => {
    // As Bolt would use it: the server has read the body; the handler finds it in req.rawBody.
    server.route(
      'POST',
      '/buffered',
      (req, res) => {
        seen.push((req as BufferedRequest).rawBody.toString('utf8'));
        res.writeHead(200).end('ok');
      },
      { body: { limit: 100, types: ['application/x-www-form-urlencoded'] } },
    );
    // As a platform route would use it: the handler reads the body itself.
    server.route('POST', '/self-read', async (req, res) => {
      const { raw, type } = await readBody(req, { limit: 50, types: ['application/json'] });
      res.writeHead(200).end(`${type} ${raw.length}`);
    });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(() => server.close());

  it('hands the read body to the route as rawBody', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(await post(port, '/buffered', 'command=%2Fselfcheck&text=4+3', form)).toEqual({ status: 200, body: 'ok' });
    expect(seen).toEqual(['command=%2Fselfcheck&text=4+3']);
    expect(parseFormBody(Buffer.from(seen[0]))).toEqual({ command: '/selfcheck', text: '4 3' });
    expect((await post(port, '/buffered', 'x'.repeat(101), form)).status).toBe(413);
    expect((await post(port, '/buffered', '{}', { 'content-type': 'application/json' })).status).toBe(415);
    expect(seen).toHaveLength(1);
  });

  it('a route reading its own body gets the same limits, also for chunked bodies with no length', async () => {
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect(await post(port, '/self-read', '{"a":1}', json)).toEqual({ status: 200, body: 'application/json 7' });
    expect((await post(port, '/self-read', 'x'.repeat(51), json)).status).toBe(413);
    const chunked = await runCase(port, {
      name: 'chunked',
      method: 'POST',
      path: '/self-read',
      headers: { 'content-type': 'application/json' },
      chunked: true,
      body: 'y'.repeat(10_000),
      expect: [413, 413],
    });
    expect(chunked.status).toBe(413);
    expect((await post(port, '/self-read', '{}', { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('a stalled body is cut off by the request timeout', async () => {
    const started = Date.now();
    const result = await runCase(port, {
      name: 'stall',
      method: 'POST',
      path: '/self-read',
      headers: { 'content-type': 'application/json' },
      declaredLength: 40,
      body: '{"a":',
      stallAfter: 5,
      expect: [408, 408],
    });
    expect(result.status).toBe(408);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('HttpError carries its status', () => {
    expect(new HttpError(413, 'too big')).toMatchObject({ status: 413, message: 'too big' });
  });
});
