import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts a fake server on 127.0.0.1 at an ephemeral port; returns its base URL ("http://127.0.0.1:port/"). */
export async function listenOnLoopback(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Stops it at once, kept-alive connections included. */
export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
