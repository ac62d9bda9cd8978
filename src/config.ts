import { z } from 'zod';
import { isValidTimeZone } from './core/time';
import { LOG_LEVELS } from './log';

/** "" counts as unset, so `FOO=` in a .env file means the default. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

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
  PORT: optional(z.coerce.number().int().min(0).max(65535)),
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
  SLACK_SIGNING_SECRET: optional(z.string().min(8)),
  SLACK_APP_TOKEN: optional(z.string().regex(/^xapp-/, 'an app-level token starts with "xapp-"')),
  SLACK_API_URL: optional(z.url()),
  MICROSOFT_APP_ID: optional(z.string()),
  MICROSOFT_APP_PASSWORD: optional(z.string()),
  MICROSOFT_APP_TENANT_ID: optional(z.string()),
  MICROSOFT_APP_TYPE: optional(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'])),
  BOT_EMULATOR: optional(flag),
});

export type Env = z.infer<typeof envSchema>;

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
  slack?: { botToken: string; signingSecret: string; appToken?: string; apiUrl?: string };
  teams?:
    | { mode: 'authenticated'; appId: string; appPassword: string; tenantId?: string; appType: string }
    | { mode: 'emulator' };
}

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

  let slack: Config['slack'];
  if (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) {
    if (!e.SLACK_BOT_TOKEN || !e.SLACK_SIGNING_SECRET) {
      problems.push('Slack needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (SLACK_APP_TOKEN adds Socket Mode).');
    } else {
      slack = {
        botToken: e.SLACK_BOT_TOKEN,
        signingSecret: e.SLACK_SIGNING_SECRET,
        appToken: e.SLACK_APP_TOKEN,
        apiUrl: e.SLACK_API_URL,
      };
    }
  }

  let teams: Config['teams'];
  if (e.MICROSOFT_APP_ID || e.MICROSOFT_APP_PASSWORD) {
    if (!e.MICROSOFT_APP_ID || !e.MICROSOFT_APP_PASSWORD) {
      problems.push('Teams needs both MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD.');
    } else {
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
    problems.push('TRELLIS_ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or 44 base64 characters.');
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
    slack,
    teams,
  };
}

export function isKey(value: string): boolean {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return true;
  return /^[A-Za-z0-9+/]{43}=?$/.test(value) && Buffer.from(value, 'base64').length === 32;
}
