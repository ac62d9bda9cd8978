import http from 'node:http';
import https from 'node:https';

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
/** How long a kept-alive connection to the Web API may sit idle before it is closed (below common 5 s server timeouts). */
const IDLE_SOCKET_MS = 4_000;

export function timedFetch(timeoutMs: number, fallback: typeof fetch = globalThis.fetch): typeof fetch {
  // A kept-alive connection idle for IDLE_SOCKET_MS is closed by us (Node's agent destroys a free socket on its
  // timeout), before a server's own idle timeout (Node's default 5 s) closes it just as a call is sent on it: that
  // race failed DMs with "socket hang up" in the soak (issue 18).
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };
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
            resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }));
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
