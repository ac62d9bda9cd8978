import { z } from 'zod';

/**
 * The fields Trellis reads from Slack's payloads, checked before use. Bolt has already routed the request;
 * these schemas make sure a malformed or unexpected payload is turned away with a log line, not a crash.
 */

const stateValue = z.looseObject({
  value: z.string().nullish(),
  selected_option: z.looseObject({ value: z.string() }).nullish(),
  selected_options: z.array(z.looseObject({ value: z.string() })).optional(),
  selected_time: z.string().nullish(),
  selected_date: z.string().nullish(),
});

export const submittedView = z.looseObject({
  id: z.string().min(1),
  callback_id: z.string(),
  private_metadata: z.string().optional(),
  state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), stateValue)) }),
});

/** Only the fields Trellis reads, and strict (not loose): checked on every command, so the body is not copied. */
export const slashCommand = z.object({
  command: z.string(),
  // Bounded by the body limit; the core tells the coach what the note limit is, rather than 'incomplete'.
  text: z.string().max(1_000_000).default(''),
  user_id: z.string().min(1),
  team_id: z.string().min(1),
  trigger_id: z.string().min(1),
  channel_id: z.string().optional(),
  channel_name: z.string().optional(),
  response_url: z.string().optional(),
});

/** Button values carry a prompt issue id. */
export const issueIdValue = z
  .string()
  .regex(/^\d{1,12}$/, 'not a prompt id')
  .transform(Number);

export const buttonAction = z.looseObject({ action_id: z.string(), value: z.string().optional() });

export const interaction = z.looseObject({
  trigger_id: z.string().optional(),
  user: z.looseObject({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.looseObject({ id: z.string() }).nullish(),
  response_url: z.string().optional(),
  channel: z.looseObject({ id: z.string().min(1) }).nullish(),
  /** The message the button was on (absent for an ephemeral one). */
  message: z.looseObject({ ts: z.string().min(1).max(40) }).nullish(),
});

/**
 * A coach's own message in the DM: plain, or with a file attached (file_share: its words are kept, the file is not),
 * or a thread reply also sent to the DM (thread_broadcast). Edits, joins and bots' messages (a bot id) are not.
 */
export const directMessage = z.object({
  type: z.literal('message'),
  channel_type: z.literal('im'),
  channel: z.string().min(1),
  user: z.string().min(1),
  text: z.string().max(40_000).default(''),
  ts: z.string(),
  subtype: z.enum(['file_share', 'thread_broadcast']).optional(),
  bot_id: z.undefined().optional(),
});

export const eventEnvelope = z.looseObject({
  event_id: z.string().min(1),
  team_id: z.string().optional(),
  /** Whom the event was delivered for: Trellis's own bot user among them (its file uploads come back as events). */
  authorizations: z
    .array(z.looseObject({ user_id: z.string().optional(), is_bot: z.boolean().optional() }))
    .max(100)
    .optional(),
});

export const homeOpened = z.looseObject({
  type: z.literal('app_home_opened'),
  user: z.string().min(1),
  tab: z.string(),
});

export const userInfo = z.looseObject({
  user: z.looseObject({
    tz: z.string().nullish(),
    real_name: z.string().nullish(),
    profile: z
      .looseObject({ display_name: z.string().nullish(), real_name: z.string().nullish(), email: z.string().nullish() })
      .nullish(),
  }),
});

export const authTest = z.looseObject({
  user_id: z.string().min(1),
  bot_id: z.string().min(1),
  team_id: z.string().optional(),
});
