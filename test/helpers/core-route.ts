import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { isTrellisError } from '../../src/core/errors';
import { toPlainText } from '../../src/core/message';
import { validateSelfCheckForm } from '../../src/core/selfcheck';
import type { Trellis } from '../../src/core/trellis';
import { DEFAULT_BODY_LIMIT, HttpError, parseFormBody, parseJsonBody } from '../../src/http/body';
import type { BufferedRequest, HttpServer } from '../../src/http/server';

/** What the test route takes: a typed line, or a submitted self-check form, from a console coach. */
const requestSchema = z.strictObject({
  user: z.string().min(1).max(64),
  requestKey: z.string().min(1).max(200).optional(),
  text: z.string().max(200_000).optional(),
  form: z.unknown().optional(),
});

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * A small route over the real core, for the hostile-input catalogue and the soak benchmark while the Slack and
 * Teams adapters are built elsewhere: POST JSON or a form {user, text | form, requestKey}; answers the replies as
 * plain text. The server enforces its body limit and content types (RouteOptions.body) before this runs.
 */
export function registerCoreRoute(http: HttpServer, trellis: Trellis, path = '/test/command'): void {
  http.route(
    'POST',
    path,
    (req: IncomingMessage, res: ServerResponse) => {
      const raw = (req as BufferedRequest).rawBody;
      const body =
        req.headers['content-type']?.startsWith('application/json') === true
          ? parseJsonBody(raw)
          : (() => {
              const fields = parseFormBody(raw);
              return fields.form ? { ...fields, form: parseJsonBody(Buffer.from(fields.form)) } : fields;
            })();
      const parsed = requestSchema.safeParse(body);
      if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => i.message).join('; '));
      const { user, text, form, requestKey } = parsed.data;
      const ref = { platform: 'console' as const, tenant: 'http', user };
      const ctx = { requestKey };
      if (form !== undefined) {
        const checked = validateSelfCheckForm(form);
        if (!checked.ok) return send(res, 422, { errors: checked.errors });
        try {
          const { created, reply } = trellis.recordSelfCheck(ref, checked.value, ctx);
          return send(res, 200, { created, replies: [toPlainText(reply)] });
        } catch (error) {
          if (isTrellisError(error)) return send(res, 422, { errors: { form: error.message } });
          throw error;
        }
      }
      if (text === undefined) throw new HttpError(400, 'give text or form');
      const reply = trellis.handleText(ref, text, ctx);
      return send(res, 200, {
        replies: reply.type === 'messages' ? reply.messages.map(toPlainText) : [reply.type],
      });
    },
    { body: { limit: DEFAULT_BODY_LIMIT, types: ['application/json', 'application/x-www-form-urlencoded'] } },
  );
}
