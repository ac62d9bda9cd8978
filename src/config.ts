import { z } from 'zod';
import { isValidTimeZone } from './core/time';
import { LOG_LEVELS } from './log';

/** "" counts as unset, so `FOO=` in a .env file means the default. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

/** A TCP port number; the message says what is expected, never the value given. */
const port = () =>
  z.coerce
    .number({ error: 'must be a port number from 0 to 65535 (0 picks a free one)' })
    .int('must be a whole port number from 0 to 65535')
    .min(0, 'must be a port number from 0 to 65535')
    .max(65535, 'must be a port number from 0 to 65535');

const timeZone = z.string().refine(isValidTimeZone, 'not an IANA time zone such as Europe/London');
const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

/** Fewest members before a digest shows a group figure, unless TRELLIS_MIN_GROUP_SIZE says more (never fewer than 3). */
export const DEFAULT_MIN_GROUP_SIZE = 5;

const envSchema = z.object({
  TRELLIS_DB: optional(z.string()),
  TRELLIS_TZ: optional(timeZone),
  TRELLIS_PROMPTS_DIR: optional(z.string()),
  TRELLIS_CONSOLE_USER: optional(z.string().max(64)),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS)),
  PORT: optional(port()),
  HOST: optional(z.string()),
  /** How long after a missed prompt time it may still go out (minutes). */
  TRELLIS_CATCHUP_MINUTES: optional(z.coerce.number().int().min(0).max(1440)),
  /** Notes and reflections older than this are purged daily; unset keeps them. */
  TRELLIS_RETENTION_DAYS: optional(z.coerce.number().int().min(1).max(36500)),
  /** 32 bytes as 64 hex characters or base64: encrypts free text at rest. */
  TRELLIS_ENCRYPTION_KEY: optional(z.string()),
  /** Only for `npm run cli -- rotate-key`: the key to re-encrypt under. */
  TRELLIS_NEW_ENCRYPTION_KEY: optional(z.string()),
  /** Fewest members before a group digest shows a figure; a value below 3 is refused, never clamped. */
  TRELLIS_MIN_GROUP_SIZE: optional(
    z.coerce
      .number()
      .int()
      .min(3, 'at least 3: below that, two colleagues who know their own ratings could work out a third')
      .max(1000),
  ),
  /** Signs POST /hooks/session-ended (src/http/session-hook.ts); unset leaves the hook off. */
  TRELLIS_WEBHOOK_SECRET: optional(z.string().min(16, 'at least 16 characters (for example: openssl rand -hex 32)')),
  SLACK_BOT_TOKEN: optional(z.string().regex(/^xox[a-z]-/, 'a bot token starts with "xoxb-"')),
  SLACK_SIGNING_SECRET: optional(
    z.string().min(8, 'too short for a signing secret: copy it from Basic Information → App Credentials'),
  ),
  SLACK_APP_TOKEN: optional(z.string().regex(/^xapp-/, 'an app-level token starts with "xapp-"')),
  SLACK_API_URL: optional(z.url()),
  /** "Add to Slack" for any number of workspaces: all three, instead of SLACK_BOT_TOKEN (src/platforms/slack/oauth.ts). */
  SLACK_CLIENT_ID: optional(z.string().regex(/^\d+\.\d+$/, 'a client id looks like 1234567890.1234567890')),
  SLACK_CLIENT_SECRET: optional(
    z.string().min(8, 'too short for a client secret: copy it from Basic Information → App Credentials'),
  ),
  SLACK_STATE_SECRET: optional(z.string().min(16, 'at least 16 characters: it signs the state of each install')),
  /** Days a workspace's coaches' data is kept after Trellis is uninstalled there. */
  TRELLIS_UNINSTALL_RETENTION_DAYS: optional(z.coerce.number().int().min(0).max(36500)),
  MICROSOFT_APP_ID: optional(z.string()),
  MICROSOFT_APP_PASSWORD: optional(z.string()),
  MICROSOFT_APP_TENANT_ID: optional(z.string()),
  MICROSOFT_APP_TYPE: optional(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'])),
  BOT_EMULATOR: optional(flag),
  /** Where the scheduled sender runs: its own child process (default when Slack or Teams is served) or in-process. */
  TRELLIS_SENDER: optional(
    z.enum(['process', 'inline'], {
      error: 'must be "process" (the sender in its own child process) or "inline" (inside the server process)',
    }),
  ),
});

export type Env = z.infer<typeof envSchema>;

/** A Microsoft App ID (Entra application / client id). */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Config {
  dbFile: string;
  defaultTimeZone: string;
  promptsDir?: string;
  consoleUser?: string;
  /** Unset: info for servers, warn for the terminal chat so logs do not crowd the conversation. */
  logLevel?: (typeof LOG_LEVELS)[number];
  port: number;
  host?: string;
  catchUpMinutes: number;
  retentionDays?: number;
  encryptionKey?: string;
  newEncryptionKey?: string;
  /** TRELLIS_WEBHOOK_SECRET: POST /hooks/session-ended is served only with it. */
  webhookSecret?: string;
  minGroupSize: number;
  /** Days a workspace's data is kept after Trellis is uninstalled from it (TRELLIS_UNINSTALL_RETENTION_DAYS). */
  uninstallRetentionDays: number;
  /** TRELLIS_SENDER: unset means its own process when Slack or Teams is served (src/schedule/sender-supervisor.ts). */
  sender?: 'process' | 'inline';
  slack?: SlackConfig;
  teams?:
    | { mode: 'authenticated'; appId: string; appPassword: string; tenantId?: string; appType: string }
    | { mode: 'emulator' };
}

/** Slack's OAuth app credentials: Trellis serves "Add to Slack" and keeps one installation per workspace or org. */
export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
}

/** Slack with one workspace's bot token, or installed through OAuth in any number of workspaces. */
export type SlackConfig = { signingSecret: string; appToken?: string; apiUrl?: string } & (
  | { botToken: string; oauth?: undefined }
  | { botToken?: undefined; oauth: SlackOAuthConfig }
);

/** Kept this long after an uninstall unless TRELLIS_UNINSTALL_RETENTION_DAYS says otherwise. */
export const DEFAULT_UNINSTALL_RETENTION_DAYS = 30;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Trellis cannot start: its configuration has ${problems.length === 1 ? 'a problem' : 'problems'}:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every setting.`,
    );
    this.name = 'ConfigError';
  }
}

function hostTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isValidTimeZone(zone) ? zone : 'UTC';
}

/** The environment checked against the schema, for tools that need one setting without starting Trellis. */
export function parseEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}

/** Reads the environment once. A platform is on when all its settings are present; some but not all is an error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];

  const slack = slackConfig(e, problems);

  let teams: Config['teams'];
  if (e.MICROSOFT_APP_ID || e.MICROSOFT_APP_PASSWORD) {
    if (!e.MICROSOFT_APP_ID || !e.MICROSOFT_APP_PASSWORD) {
      const missing = e.MICROSOFT_APP_ID ? 'MICROSOFT_APP_PASSWORD' : 'MICROSOFT_APP_ID';
      problems.push(
        `Teams needs both MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD; ${missing} is not set. Both come from the Azure Bot resource: the Microsoft App ID under Configuration, a client secret under Manage password (BOT_EMULATOR=1 instead, with neither, tries Trellis in the Bot Framework Emulator).`,
      );
    } else {
      if (!GUID.test(e.MICROSOFT_APP_ID))
        problems.push(
          "MICROSOFT_APP_ID: not a Microsoft App ID, which is a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx): copy it from the Azure Bot resource's Configuration page.",
        );
      const appType = e.MICROSOFT_APP_TYPE ?? (e.MICROSOFT_APP_TENANT_ID ? 'SingleTenant' : 'MultiTenant');
      if (appType === 'SingleTenant' && !e.MICROSOFT_APP_TENANT_ID)
        problems.push('MICROSOFT_APP_TYPE=SingleTenant needs MICROSOFT_APP_TENANT_ID.');
      teams = {
        mode: 'authenticated',
        appId: e.MICROSOFT_APP_ID,
        appPassword: e.MICROSOFT_APP_PASSWORD,
        tenantId: e.MICROSOFT_APP_TENANT_ID,
        appType,
      };
    }
  } else if (e.BOT_EMULATOR) {
    teams = { mode: 'emulator' };
  }

  if (e.TRELLIS_ENCRYPTION_KEY !== undefined && !isKey(e.TRELLIS_ENCRYPTION_KEY)) {
    problems.push(
      'TRELLIS_ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or 44 base64 characters. A new key: openssl rand -hex 32; for a database already encrypted, set the key it was encrypted with.',
    );
  }
  if (e.TRELLIS_NEW_ENCRYPTION_KEY !== undefined && !isKey(e.TRELLIS_NEW_ENCRYPTION_KEY)) {
    problems.push('TRELLIS_NEW_ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or 44 base64 characters.');
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    dbFile: e.TRELLIS_DB ?? 'data/trellis.db',
    defaultTimeZone: e.TRELLIS_TZ ?? hostTimeZone(),
    promptsDir: e.TRELLIS_PROMPTS_DIR,
    consoleUser: e.TRELLIS_CONSOLE_USER,
    logLevel: e.LOG_LEVEL,
    port: e.PORT ?? 3000,
    host: e.HOST,
    catchUpMinutes: e.TRELLIS_CATCHUP_MINUTES ?? 180,
    retentionDays: e.TRELLIS_RETENTION_DAYS,
    encryptionKey: e.TRELLIS_ENCRYPTION_KEY,
    newEncryptionKey: e.TRELLIS_NEW_ENCRYPTION_KEY,
    webhookSecret: e.TRELLIS_WEBHOOK_SECRET,
    minGroupSize: e.TRELLIS_MIN_GROUP_SIZE ?? DEFAULT_MIN_GROUP_SIZE,
    uninstallRetentionDays: e.TRELLIS_UNINSTALL_RETENTION_DAYS ?? DEFAULT_UNINSTALL_RETENTION_DAYS,
    sender: e.TRELLIS_SENDER,
    slack,
    teams,
  };
}

/**
 * Slack is on with a signing secret and either one bot token (one workspace) or the three OAuth settings (any
 * number of workspaces, "Add to Slack"). Some of the OAuth three, or both ways at once, is an error naming them.
 */
function slackConfig(e: Env, problems: string[]): Config['slack'] {
  const oauthSet = [e.SLACK_CLIENT_ID, e.SLACK_CLIENT_SECRET, e.SLACK_STATE_SECRET].filter((v) => v !== undefined);
  if (!e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN && oauthSet.length === 0) return undefined;
  const common = { appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL };
  if (oauthSet.length > 0) {
    if (!e.SLACK_CLIENT_ID || !e.SLACK_CLIENT_SECRET || !e.SLACK_STATE_SECRET) {
      const missing = (['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const).filter((k) => !e[k]);
      problems.push(
        `"Add to Slack" needs all three of SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET; ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set. Copy the client id and secret from your app's "Basic Information" page, and set SLACK_STATE_SECRET to a long random string.`,
      );
      return undefined;
    }
    if (e.SLACK_BOT_TOKEN) {
      problems.push(
        'SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: choose one. SLACK_BOT_TOKEN serves one workspace; the client id, secret and state secret serve every workspace that installs Trellis through /slack/install.',
      );
      return undefined;
    }
    if (!e.SLACK_SIGNING_SECRET) {
      problems.push('Slack needs SLACK_SIGNING_SECRET (Basic Information → Signing Secret) beside SLACK_CLIENT_ID.');
      return undefined;
    }
    return {
      ...common,
      signingSecret: e.SLACK_SIGNING_SECRET,
      oauth: { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET },
    };
  }
  if (!e.SLACK_BOT_TOKEN || !e.SLACK_SIGNING_SECRET) {
    problems.push(
      'Slack needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (SLACK_APP_TOKEN adds Socket Mode), or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET with SLACK_SIGNING_SECRET for "Add to Slack".',
    );
    return undefined;
  }
  return { ...common, botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET };
}

export function isKey(value: string): boolean {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return true;
  return /^[A-Za-z0-9+/]{43}=?$/.test(value) && Buffer.from(value, 'base64').length === 32;
}
