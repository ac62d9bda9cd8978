import net from 'node:net';
import { HttpServer } from '../../src/http/server';
import { createLogger } from '../../src/log';

/** Opens a raw socket and resolves when the server closes it (or rejects if it stays open past `withinMs`). */
function closedByServer(port: number, withinMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error('the idle socket was not closed'));
    }, withinMs);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(Date.now() - started);
    });
  });
}

function healthz(port: number): Promise<number> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status);
}

describe('idle and piled-up connections', () => {
  const logLines: string[] = [];
  const log = createLogger('debug', {}, (l) => logLines.push(l));

  it('a socket that never sends a byte is closed after the idle timeout', async () => {
    const http = new HttpServer(log, { idleTimeoutMs: 300, timeoutCheckMs: 100 });
    const { port } = await http.listen(0, '127.0.0.1');
    try {
      const held = await Promise.all([closedByServer(port, 5_000), closedByServer(port, 5_000)]);
      for (const ms of held) expect(ms).toBeGreaterThanOrEqual(250);
      expect(await healthz(port)).toBe(200);
    } finally {
      await http.close();
    }
  });

  it('one address over its cap is refused at once, and served again once its sockets go', async () => {
    const http = new HttpServer(log, { idleTimeoutMs: 60_000, maxConnectionsPerAddress: 5 });
    const { port } = await http.listen(0, '127.0.0.1');
    const sockets: net.Socket[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const s = net.connect(port, '127.0.0.1');
        s.on('error', () => undefined);
        await new Promise((r) => s.once('connect', r));
        sockets.push(s);
      }
      // The sixth is destroyed by the server long before its 60 s idle timeout.
      await closedByServer(port, 5_000);
      expect(logLines.some((l) => l.includes('too many from one address'))).toBe(true);
      const closing = sockets.map((s) => new Promise((r) => s.once('close', r)));
      for (const s of sockets) s.destroy();
      await Promise.all(closing);
      expect(await healthz(port)).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
      await http.close();
    }
  });
});
