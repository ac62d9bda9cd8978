import http from 'node:http';
import https from 'node:https';

/**
 * How long a kept-alive connection may sit idle before this client closes it: below the 5 s after which a Node
 * server (Node's default keepAliveTimeout) closes it. A server that closes an idle connection while a request is
 * being written on it answers that request with a reset ("socket hang up"), and a post that ends so is in doubt
 * and must be looked up, so the client lets go first. Setting it also makes Node's agent honour a server's own
 * "Keep-Alive: timeout=N" hint (closing a second before N), which Node 20 ignores when the agent has no timeout.
 * It applies to idle connections only: a call in flight is bounded by `timeoutMs` alone.
 */
export const IDLE_SOCKET_TIMEOUT_MS = 4_000;

/**
 * The `fetch` the Slack Web API client sends with: a timeout that ends with the call, and form-encoded calls (every
 * Web API method but file uploads) over node:http with kept-alive connections.
 *
 * Why not the client's own `timeout` option: it uses `AbortSignal.timeout(ms)`, whose timer keeps the request, the
 * response and their streams reachable for the whole 10 s after the call has finished. Why not the global fetch for
 * plain calls: its request and response streams cost some 200 KB of garbage per call; at a few hundred sends a
 * second that alone grew the sender's heap past 100 MB between collections. Uploads (FormData bodies) and anything
 * else unusual still go through the global fetch.
 */
export function timedFetch(timeoutMs: number, fallback: typeof fetch = globalThis.fetch): typeof fetch {
  const kept = { keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS };
  const agents = { 'http:': new http.Agent(kept), 'https:': new https.Agent(kept) };
  return async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const body = init?.body;
    if (typeof body !== 'string' || init?.signal || !(url.protocol in agents)) {
      return fetchWithTimeout(fallback, timeoutMs, input, init);
    }
    const protocol = url.protocol as keyof typeof agents;
    const transport = protocol === 'https:' ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: init?.method ?? 'POST',
          headers: { ...(init?.headers as Record<string, string>), 'Content-Length': Buffer.byteLength(body) },
          agent: agents[protocol],
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
            }
            const status = response.statusCode ?? 500;
            resolve(bufferedResponse(status, response.statusMessage ?? '', headers, Buffer.concat(chunks)));
          });
        },
      );
      // One deadline for the whole call, answer included.
      const timer = setTimeout(() => request.destroy(new Error(`request timed out after ${timeoutMs} ms`)), timeoutMs);
      request.on('close', () => clearTimeout(timer));
      request.on('error', reject);
      request.end(body);
    });
  };
}

/**
 * An answer read whole, with the part of `Response` the Web API client reads (status, statusText, url, headers, and
 * the body as text, JSON or bytes). Not a `Response`: building one wraps the bytes in a web ReadableStream, some
 * 10 KB of objects per call, a twentieth of what a fan-out allocates per message.
 */
function bufferedResponse(status: number, statusText: string, headers: Headers, body: Buffer): Response {
  const text = async () => body.toString('utf8');
  const answer = {
    status,
    statusText,
    ok: status >= 200 && status < 300,
    url: '',
    redirected: false,
    type: 'basic',
    headers,
    bodyUsed: false,
    body: null,
    text,
    json: async () => JSON.parse(await text()) as unknown,
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength),
    bytes: async () => new Uint8Array(body),
    blob: async () => new Blob([new Uint8Array(body)]),
    clone: () => bufferedResponse(status, statusText, headers, body),
  };
  return answer as unknown as Response;
}

/** The global fetch under a timeout whose timer is cleared when the answer has been read. */
async function fetchWithTimeout(
  fetchFn: typeof fetch,
  timeoutMs: number,
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`request timed out after ${timeoutMs} ms`)), timeoutMs);
  try {
    const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    const response = await fetchFn(input, { ...init, signal });
    const body = await response.arrayBuffer();
    return new Response(response.status === 204 || response.status === 304 ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  } finally {
    clearTimeout(timer);
  }
}
