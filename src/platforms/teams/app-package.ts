import fs from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { z } from 'zod';
import { zip } from './zip';

/** The Teams app manifest schema this package targets. */
export const MANIFEST_VERSION = '1.17';
export const MANIFEST_SCHEMA = `https://developer.microsoft.com/en-us/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;

/** The icons' SVG sources live in the repository's teams/ folder; PNGs are made from them at package time. */
export const ICON_DIR = path.resolve(__dirname, '../../../teams');

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// address' });

export const packageOptionsSchema = z.object({
  /** The bot's Microsoft App ID (a GUID); also the Teams app id. */
  appId: z.guid({ error: 'the app id is a GUID such as 00000000-0000-0000-0000-000000000000 (MICROSOFT_APP_ID)' }),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a version is three numbers, such as 1.0.0'),
  developerName: z.string().min(1).max(32),
  websiteUrl: httpsUrl,
  privacyUrl: httpsUrl,
  termsOfUseUrl: httpsUrl,
});
export type PackageOptions = z.infer<typeof packageOptionsSchema>;

/**
 * What coaches can type in a personal chat, and what a channel can ask: shown by Teams as suggestions. Teams takes
 * at most ten commands a list (titles ≤ 32 characters, descriptions ≤ 128; test/conformance checks the schema), so
 * a suggestion may name a close command in its description ("summary" with trend, "delete" with export); `help`
 * lists them all.
 */
export const PERSONAL_COMMANDS = [
  {
    title: 'selfcheck',
    description:
      'Rate the six trust-and-safety behaviours on a card, or selfcheck 4 3 5 4 4 2; "session" logs a client session, "log" hours',
  },
  { title: 'prompt', description: "Today's reflection question; your next message is saved as your reflection" },
  {
    title: 'journal',
    description: 'Re-read your reflections and notes in full, newest first: "journal 2026-11", "journal search WORD"',
  },
  { title: 'history', description: 'Your recent self-checks and reflections' },
  {
    title: 'trend',
    description:
      'Each behaviour this week against the four weeks before; "summary" (or "summary now") for your weekly summary',
  },
  {
    title: 'settings',
    description:
      'Prompt time, days, time zone, pause; "settings profile" for your credential, the one you work toward, practice',
  },
  {
    title: 'share',
    description:
      'Preview sharing your latest reflection with your peer group; "share session N with mentor" for a session',
  },
  {
    title: 'mentor',
    description:
      'Your mentor coach: "mentor invite" and their email, "mentor stop"; as a mentor, "mentor sessions" to rate',
  },
  {
    title: 'export',
    description:
      'All your data as JSON and CSV; "portfolio" for an ICF-ready PDF and logs; "delete" removes all Trellis holds (asks first)',
  },
  { title: 'help', description: 'Everything Trellis can do' },
] as const;

export const CHANNEL_COMMANDS = [
  { title: 'digest here', description: 'Make this a peer-supervision channel with an anonymous weekly digest' },
  { title: 'group join', description: 'Take part in this channel’s anonymous group picture' },
  { title: 'group leave', description: 'Stop taking part; your check-ins no longer count towards this digest' },
  { title: 'digest', description: 'For members: the last digest posted here (group figures only)' },
  { title: 'digest stop', description: 'For the coach who registered this channel: stop its digest' },
  {
    title: 'mentor invite',
    description:
      'Mention the colleague to ask them to be your mentor coach; they answer in their own chat with Trellis',
  },
  { title: 'help', description: 'What Trellis does' },
] as const;

export function buildManifest(options: PackageOptions): Record<string, unknown> {
  return {
    $schema: MANIFEST_SCHEMA,
    manifestVersion: MANIFEST_VERSION,
    version: options.version,
    id: options.appId,
    developer: {
      name: options.developerName,
      websiteUrl: options.websiteUrl,
      privacyUrl: options.privacyUrl,
      termsOfUseUrl: options.termsOfUseUrl,
    },
    name: { short: 'Trellis', full: 'Trellis: reflective practice for coaches' },
    description: {
      short: 'A daily minute of reflection on building trust and safety with clients',
      full:
        'Trellis helps coaches practise the ICF competency "Cultivates Trust and Safety": a short reflection prompt ' +
        'on your own schedule, a quick self-check of the six observable behaviours, a private journal, and weekly ' +
        'trends. Peer-supervision channels get an anonymous group digest. Your notes and reflections are not shown to ' +
        'your group or organisation unless you share a reflection; the people who run Trellis for your organisation ' +
        'can export them.',
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: '#2E7D5B',
    bots: [
      {
        botId: options.appId,
        scopes: ['personal', 'team', 'groupChat'],
        isNotificationOnly: false,
        supportsFiles: true,
        commandLists: [
          { scopes: ['personal'], commands: PERSONAL_COMMANDS.map((c) => ({ ...c })) },
          { scopes: ['team', 'groupChat'], commands: CHANNEL_COMMANDS.map((c) => ({ ...c })) },
        ],
      },
    ],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: [],
  };
}

/** An icon from its SVG source, rendered to a PNG of exactly `size` pixels square. */
export function renderIcon(svgFile: string, size: number): Buffer {
  const svg = fs.readFileSync(svgFile);
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render();
  return Buffer.from(png.asPng());
}

/** The zip Teams admins upload: manifest.json, color.png (192×192) and outline.png (32×32) at the root. */
export function buildAppPackage(options: PackageOptions, iconDir = ICON_DIR): Buffer {
  const manifest = buildManifest(packageOptionsSchema.parse(options));
  return zip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: 'color.png', data: renderIcon(path.join(iconDir, 'color.svg'), 192) },
    { name: 'outline.png', data: renderIcon(path.join(iconDir, 'outline.svg'), 32) },
  ]);
}
