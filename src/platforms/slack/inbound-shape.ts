import { z } from 'zod';

/**
 * The fields Bolt and Trellis's listeners read from each kind of request Trellis handles, checked by the receiver
 * before Bolt sees the body: a payload missing one is answered 400 naming the field, instead of a TypeError inside
 * Bolt (a 500) or a listener that fails after its ack. Strict shapes (not loose), so zod copies nothing it does not
 * check; the body itself goes on unchanged.
 */

const user = z.object({ id: z.string().min(1), team_id: z.string().optional() });
const team = z.object({ id: z.string().min(1) }).nullish();
const enterprise = z.object({ id: z.string().min(1) }).nullish();

/** The coach's workspace or organisation: Slack names at least one of them on every interaction. */
const withTenant = <T extends z.ZodType<{ team?: unknown; user: { team_id?: string }; enterprise?: unknown }>>(
  shape: T,
) =>
  shape.refine((p) => Boolean(p.team || p.user.team_id || p.enterprise), {
    message: 'a team (or enterprise) id',
    path: ['team'],
  });

const blockActions = withTenant(
  z.object({
    type: z.literal('block_actions'),
    user,
    team,
    enterprise,
    trigger_id: z.string().optional(),
    response_url: z.string().optional(),
    actions: z.array(z.object({ action_id: z.string().min(1), value: z.string().optional() })).min(1),
  }),
);

const view = z.object({
  id: z.string().min(1),
  callback_id: z.string(),
  private_metadata: z.string().optional(),
  state: z.object({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }),
});

const viewSubmission = withTenant(z.object({ type: z.literal('view_submission'), user, team, enterprise, view }));
const viewClosed = withTenant(
  z.object({ type: z.literal('view_closed'), user, team, enterprise, view: z.object({ id: z.string().min(1) }) }),
);

const eventCallback = z
  .object({
    type: z.literal('event_callback'),
    event_id: z.string().min(1),
    team_id: z.string().min(1).optional(),
    enterprise_id: z.string().min(1).optional(),
    event: z.object({ type: z.string().min(1) }),
  })
  .refine((e) => Boolean(e.team_id || e.enterprise_id), { message: 'a team (or enterprise) id', path: ['team_id'] });

const byType: Record<string, z.ZodType> = {
  block_actions: blockActions,
  view_submission: viewSubmission,
  view_closed: viewClosed,
  event_callback: eventCallback,
};

/**
 * The first field a request of a kind Trellis handles lacks (or has with the wrong type), with zod's word on it;
 * undefined when it is complete or of a kind Bolt turns away itself. Never carries a value from the body.
 */
export function missingField(body: Record<string, unknown>): { field: string; problem: string } | undefined {
  // Slash commands are checked by their listener, which answers an incomplete one in words the coach sees.
  const schema = typeof body.type === 'string' ? byType[body.type] : undefined;
  if (!schema) return undefined;
  const checked = schema.safeParse(body);
  if (checked.success) return undefined;
  const issue = checked.error.issues[0];
  return { field: issue?.path.map(String).join('.') || '(body)', problem: issue?.message ?? 'invalid' };
}
