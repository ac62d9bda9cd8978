/**
 * The bytes of a file the coach allowed, PUT to the upload URL Teams gave for it (a OneDrive upload session in the
 * coach's own drive). One PUT carries the whole file: an upload session takes up to 60 MiB in one range, far more
 * than an export holds.
 */

/** Loopback hosts: the only ones a plain-http upload URL may name (tests and the emulator serve it locally). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** How long one upload may take before the coach is told it failed. */
export const UPLOAD_TIMEOUT_MS = 30_000;

/**
 * The upload URL when it is safe to send the coach's data to: https, or http to a loopback host. Anything else
 * (plain http elsewhere, another scheme, not a URL) is refused, so the file never travels unencrypted.
 */
export function uploadTarget(uploadUrl: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(uploadUrl);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  return undefined;
}

/** How an upload ended; never holds the URL (it carries a token) nor the content. */
export type UploadOutcome = { ok: true; status: number } | { ok: false; status?: number; reason: string };

/** PUTs `bytes` as the whole of the file: Content-Length n and Content-Range bytes 0-(n-1)/n. */
export async function putFile(url: URL, bytes: Buffer, timeoutMs = UPLOAD_TIMEOUT_MS): Promise<UploadOutcome> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'PUT',
      body: bytes,
      headers: {
        'Content-Length': String(bytes.length),
        'Content-Range': `bytes 0-${bytes.length - 1}/${bytes.length}`,
      },
      signal: abort.signal,
    });
    // The answer's body (upload session details) is not needed; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { ok: true, status: response.status };
    return { ok: false, status: response.status, reason: 'status' };
  } catch (error) {
    if (abort.signal.aborted) return { ok: false, reason: 'timeout' };
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return { ok: false, reason: typeof cause?.code === 'string' ? cause.code : 'network' };
  } finally {
    clearTimeout(timer);
  }
}
