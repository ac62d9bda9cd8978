import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { timedFetch } from '../../../src/platforms/slack/timed-fetch';

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
