import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/ports';
import { type BodyOptions, checkBodyHeaders, DEFAULT_BODY_LIMIT, HttpError, readBody } from './body';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** What a route declares about its requests; the server enforces it before the handler runs. */
export interface RouteOptions {
  /**
   * Read the body first (limit and content types enforced) and hand it over as `req.rawBody`, a Buffer, which
   * Bolt's receiver functions take as already read. Without it the handler reads the body itself (see readBody),
   * and a declared length over the default limit is refused with 413 before the handler runs.
   */
  body?: BodyOptions;
}

/** A request whose body the server has read for its route. */
export type BufferedRequest = IncomingMessage & { rawBody: Buffer };

export interface HttpServerOptions {
  /** Time to receive a whole request, headers and body (default 15 s): a slow or stalled client gets 408. */
  requestTimeoutMs?: number;
  /** Time to receive the headers (default 10 s). */
  headersTimeoutMs?: number;
  /** How often the timeouts above are checked (default 1 s). */
  timeoutCheckMs?: number;
  /**
   * A connection that sends nothing for this long is closed (default 30 s): the timeouts above start only with a
   * request's first byte, so a socket opened and left silent would otherwise hold a file descriptor for ever.
   */
  idleTimeoutMs?: number;
  /** Open connections one address may hold (default 64); more are closed at once, so one client cannot use them all. */
  maxConnectionsPerAddress?: number;
}

/** Connections open per remote address; a new one over the cap is destroyed before any byte is read. */
function capConnectionsPerAddress(server: http.Server, cap: number, log: Logger): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > cap) {
      log.warn('http connection refused: too many from one address', { open: cap });
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/**
 * One HTTP server for the whole process: Slack at /slack/events, Teams at /api/messages, and /healthz.
 * Platforms register their routes; this module carries transport only.
 */
export class HttpServer {
  readonly server: http.Server;
  private readonly routes = new Map<string, RouteHandler>();
  private readonly routeOptions = new Map<string, RouteOptions>();

  constructor(
    private readonly log: Logger,
    options: HttpServerOptions = {},
  ) {
    const requestTimeout = options.requestTimeoutMs ?? 15_000;
    this.server = http.createServer(
      {
        requestTimeout,
        headersTimeout: Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout),
        connectionsCheckingInterval: options.timeoutCheckMs ?? 1_000,
      },
      (req, res) => void this.dispatch(req, res),
    );
    // Idle sockets (silent from the start, or kept alive after a response) are destroyed after this long.
    const idleTimeout = options.idleTimeoutMs ?? 30_000;
    this.server.setTimeout(idleTimeout);
    this.server.keepAliveTimeout = Math.min(5_000, idleTimeout);
    capConnectionsPerAddress(this.server, options.maxConnectionsPerAddress ?? 64, log);
    // A request Node cannot even parse (a lying Content-Length, garbage instead of HTTP) gets a plain 400.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      this.log.debug('http client error', { code: error.code });
      if (socket.writable && !socket.destroyed) {
        const status =
          error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : error.code === 'HPE_HEADER_OVERFLOW'
              ? '431 Request Header Fields Too Large'
              : '400 Bad Request';
        socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      } else socket.destroy();
    });
    this.route('GET', '/healthz', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  }

  route(method: string, path: string, handler: RouteHandler, options: RouteOptions = {}): void {
    this.routes.set(`${method.toUpperCase()} ${path}`, handler);
    this.routeOptions.set(`${method.toUpperCase()} ${path}`, options);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const handler = this.routes.get(`${req.method} ${path}`);
    if (!handler) {
      const known = [...this.routes.keys()].some((k) => k.endsWith(` ${path}`));
      res.writeHead(known ? 405 : 404, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ error: known ? 'method not allowed' : 'not found' }));
      return;
    }
    try {
      const options = this.routeOptions.get(`${req.method} ${path}`) ?? {};
      if (options.body) (req as BufferedRequest).rawBody = (await readBody(req, options.body)).raw;
      else checkBodyHeaders(req, { limit: DEFAULT_BODY_LIMIT });
      await handler(req, res);
    } catch (error) {
      if (error instanceof HttpError) {
        this.log.info('http request refused', { path, status: error.status, reason: error.message });
        if (!res.headersSent) {
          // A refused body may still be arriving: answer, then close the connection rather than read the rest.
          res.writeHead(error.status, { 'content-type': 'application/json', connection: 'close' });
        }
        if (!res.writableEnded) res.end(JSON.stringify({ error: error.message }));
        return;
      }
      this.log.error('http handler failed', { path, error });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      if (!res.writableEnded) res.end(JSON.stringify({ error: 'internal error' }));
    }
  }

  listen(port: number, host?: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
