import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDLE_SOCKET_TIMEOUT_MS, timedFetch } from '../../../src/platforms/slack/timed-fetch';

/** A server on an ephemeral port: answers /ok with JSON and a header, never answers /hang. */
async function server(): Promise<{ url: string; close(): Promise<void> }> {
  const hanging: http.ServerResponse[] = [];
  const s = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.url === '/hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end(JSON.stringify({ ok: false, echoed: body, method: req.method }));
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  };
}

test('a form-encoded call gets status, headers and body back', async () => {
  const s = await server();
  try {
    const response = await timedFetch(5_000)(`${s.url}/ok`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'channel=D1&text=hello',
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({ ok: false, echoed: 'channel=D1&text=hello', method: 'POST' });
  } finally {
    await s.close();
  }
});

test('a call that gets no answer fails after the timeout', async () => {
  const s = await server();
  try {
    const started = Date.now();
    await expect(timedFetch(200)(`${s.url}/hang`, { method: 'POST', body: 'a=1' })).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    await s.close();
  }
});

test('other bodies (file uploads) go through the global fetch, under the same timeout', async () => {
  const s = await server();
  try {
    const form = new FormData();
    form.append('file', new Blob(['png']), 'chart.png');
    const response = await timedFetch(5_000)(`${s.url}/ok`, { method: 'POST', body: form });
    expect(response.status).toBe(429);
    expect(((await response.json()) as { echoed: string }).echoed).toContain('chart.png');
    await expect(timedFetch(200)(`${s.url}/hang`, { method: 'POST', body: form })).rejects.toThrow();
  } finally {
    await s.close();
  }
});

/**
 * A server that never closes an idle connection itself (keep-alive timeout off), so only the client can: which
 * connection each call came on, and which connections the client ended (a FIN the server read). /slow answers
 * after longer than the client's idle limit.
 */
async function keptAliveServer() {
  const connections: { ended: boolean }[] = [];
  const callsOn: number[] = [];
  const ids = new WeakMap<object, number>();
  const s = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      callsOn.push(ids.get(req.socket) ?? -1);
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (req.url === '/slow') setTimeout(answer, IDLE_SOCKET_TIMEOUT_MS + 500);
      else answer();
    });
  });
  s.keepAliveTimeout = 0;
  s.on('connection', (socket) => {
    const c = { ended: false };
    ids.set(socket, connections.length);
    connections.push(c);
    socket.on('end', () => {
      c.ended = true;
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    callsOn,
    close: () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  };
}

/** Polls (no fixed sleep) until `condition` holds. */
async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const form = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' };

test('an idle kept-alive connection is closed by the client first, before a server would close it under a call', async () => {
  const s = await keptAliveServer();
  try {
    const call = timedFetch(5_000);
    // Back to back: one connection, kept alive.
    expect((await call(`${s.url}/ok`, form)).status).toBe(200);
    expect((await call(`${s.url}/ok`, form)).status).toBe(200);
    expect(s.callsOn).toEqual([0, 0]);
    // Idle: the client lets it go (below Node's 5 s server default), so no call is ever written on a connection
    // the server is closing (which ends in "socket hang up", and leaves a post in doubt).
    await until(() => s.connections[0]?.ended === true, 15_000);
    expect((await call(`${s.url}/ok`, form)).status).toBe(200);
    expect(s.callsOn).toEqual([0, 0, 1]);
  } finally {
    await s.close();
  }
}, 30_000);

test('a call in flight longer than the idle limit is not cut by it: only its own timeout bounds it', async () => {
  const s = await keptAliveServer();
  try {
    const response = await timedFetch(IDLE_SOCKET_TIMEOUT_MS * 3)(`${s.url}/slow`, form);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(s.connections[0]?.ended).toBe(false);
  } finally {
    await s.close();
  }
}, 30_000);
