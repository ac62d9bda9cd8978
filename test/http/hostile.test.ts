import type { AddressInfo } from 'node:net';
import { HttpServer } from '../../src/http/server';
import { createLogger } from '../../src/log';
import { registerCoreRoute } from '../helpers/core-route';
import { makeTrellis } from '../helpers/trellis';
import { type HostileCase, ROUTE_CASES, SERVER_CASES } from '../hostile/cases';
import { runCase } from '../hostile/runner';

describe('hostile and broken requests against the running server', () => {
  const t = makeTrellis();
  const log = createLogger('debug', {}, (line) => t.logLines.push(line));
  const http = new HttpServer(log, { requestTimeoutMs: 1500, headersTimeoutMs: 1500, timeoutCheckMs: 100 });
  registerCoreRoute(http, t.trellis);
  let port = 0;
  const rows = () =>
    t.db
      .prepare('SELECT (SELECT count(*) FROM self_checks) + (SELECT count(*) FROM reflections)')
      .pluck()
      .get() as number;

  beforeAll(async () => {
    port = ((await http.listen(0, '127.0.0.1')) as AddressInfo).port;
  });
  afterAll(async () => {
    await http.close();
    t.close();
  });

  const good: HostileCase = {
    name: 'good request after',
    method: 'POST',
    path: '/test/command',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'after', text: 'history' }),
    expect: [200, 200],
  };

  it.each([...SERVER_CASES, ...ROUTE_CASES].map((c) => [c.name, c] as const))(
    '%s: a clean answer, nothing stored half, and the next request is served',
    async (_, c) => {
      const before = rows();
      const result = await runCase(port, c);
      const expected = `${c.expect[0]}..${c.expect[1]}`;
      const inRange = result.status >= c.expect[0] && result.status <= c.expect[1];
      expect({ status: result.status, in: inRange ? expected : 'outside' }).toEqual({
        status: result.status,
        in: expected,
      });
      if (c.bodyMatches) expect(result.body).toMatch(c.bodyMatches);
      expect(rows() - before).toBe(c.stores ?? 0);
      const next = await runCase(port, good);
      expect(next.status).toBe(200);
    },
  );

  it('logs say which request was refused and why, without its body', () => {
    const refused = t.logLines.filter((l) => l.includes('http request refused'));
    expect(refused.length).toBeGreaterThan(5);
    expect(t.logLines.join('\n')).not.toMatch(/DROP TABLE|שלום|nnnnnnnnnn/);
  });
});
