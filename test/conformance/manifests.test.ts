import fs from 'node:fs';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { parse as parseYaml } from 'yaml';
import { buildManifest, MANIFEST_VERSION } from '../../src/platforms/teams/app-package';
import teamsManifestSchema from './vendor/MicrosoftTeams-1.17.schema.json';
import slackManifestSchema from './vendor/slack-app-manifest.schema.json';

/**
 * The two app manifests an admin installs, against the vendors' published schemas (see vendor/README.md):
 * the Teams manifest built by app-package.ts against Microsoft's schema for manifestVersion 1.17, and
 * manifest.yml against the Slack app manifest schema, plus Slack's documented limits that schema leaves out.
 */

type Json = Record<string, unknown>;

const uri = /^[a-z][a-z0-9+.-]*:\S*$/i;
// Both schemas are draft-04, so they are compiled by ajv's draft-04 class.
const draft04 = new AjvDraft04({ allErrors: true, strict: false, formats: { uri } });
/** Microsoft's manifest schema for each manifestVersion a schema is committed for (vendor/README.md). */
const TEAMS_SCHEMAS: Record<string, object> = { '1.17': teamsManifestSchema };
const teamsValidators = new Map(Object.entries(TEAMS_SCHEMAS).map(([v, schema]) => [v, draft04.compile(schema)]));
const slack = draft04.compile(slackManifestSchema);

const errorsOf = (validate: { errors?: { instancePath: string; message?: string }[] | null }) =>
  (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);

/** A Teams manifest judged by the schema for the manifestVersion it declares, and its `$schema` naming that one. */
function teamsProblems(manifest: Json): string[] {
  const version = String(manifest.manifestVersion ?? '');
  const validate = teamsValidators.get(version);
  if (!validate) return [`manifestVersion "${version}": no committed schema (add the vendor file)`];
  const out = validate(manifest) ? [] : errorsOf(validate);
  const named =
    /^https:\/\/developer\.microsoft\.com\/(?:en-us\/)?json-schemas\/teams\/v([\d.]+)\/MicrosoftTeams\.schema\.json$/.exec(
      String(manifest.$schema),
    )?.[1];
  if (named !== version) out.push(`$schema ${String(manifest.$schema)}: not Microsoft's schema for v${version}`);
  return out;
}

function teamsManifest(): Json {
  return buildManifest({
    appId: '0f2c5a9e-4b7d-4c1e-9a3b-2d6e8f1a7c55',
    version: '1.2.3',
    developerName: 'Example School',
    websiteUrl: 'https://example.org',
    privacyUrl: 'https://example.org/privacy',
    termsOfUseUrl: 'https://example.org/terms',
  });
}

const slackManifest = (): Json =>
  parseYaml(fs.readFileSync(path.join(__dirname, '../../manifest.yml'), 'utf8')) as Json;

/**
 * Limits in Slack's manifest reference (https://docs.slack.dev/reference/app-manifest) that the schema does not
 * encode: slash command names up to 32 characters starting with "/", request URLs over HTTPS.
 */
function slackDocumentedProblems(manifest: Json): string[] {
  const out: string[] = [];
  const features = (manifest.features ?? {}) as Json;
  for (const c of (features.slash_commands ?? []) as Json[]) {
    if (!/^\/[a-z0-9_-]{1,31}$/.test(String(c.command))) out.push(`command ${String(c.command)}: not /name (32 max)`);
    if (c.url !== undefined && !String(c.url).startsWith('https://'))
      out.push(`command ${String(c.command)}: url not https`);
  }
  const settings = (manifest.settings ?? {}) as Json;
  for (const key of ['event_subscriptions', 'interactivity']) {
    const url = ((settings[key] ?? {}) as Json).request_url;
    if (url !== undefined && !String(url).startsWith('https://')) out.push(`${key}.request_url: not https`);
  }
  return out;
}

describe('Teams app manifest (MicrosoftTeams.schema.json for its manifestVersion)', () => {
  test('the manifest app-package.ts builds conforms to the schema for the version it declares', () => {
    const manifest = teamsManifest();
    expect(manifest.manifestVersion).toBe(MANIFEST_VERSION);
    expect(Object.keys(TEAMS_SCHEMAS)).toContain(MANIFEST_VERSION);
    expect(teamsProblems(manifest)).toEqual([]);
  });

  test('the schema catches a broken manifest', () => {
    const manifest = teamsManifest();
    const bots = manifest.bots as Json[];
    const broken = teamsProblems({ ...manifest, bots: [{ ...bots[0], scopes: ['everywhere'] }], unknownField: 1 });
    expect(broken.join('\n')).toMatch(/additional properties|allowed values/);
    const { name: _name, ...nameless } = manifest;
    expect(teamsProblems(nameless).length).toBeGreaterThan(0);
    expect(teamsProblems({ ...manifest, permissions: ['everything'] }).length).toBeGreaterThan(0);
  });

  test("the README's Teams table explains every bot scope and permission the manifest asks for; no RSC", () => {
    const manifest = teamsManifest();
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**What the app package asks for, and why.**'));
    const table =
      /\| manifest entry +\| why Trellis needs it[^\n]*\n[^\n]*\n((?:\|[^\n]*\n)+)/.exec(section)?.[1] ?? '';
    const entries = [...table.matchAll(/^\| (.*?) +\| .*\S +\|$/gm)].map((r) => r[1]).sort();
    const bot = (manifest.bots as Json[])[0];
    const expected = [
      ...(bot.scopes as string[]).map((scope) => `bot scope \`${scope}\``),
      ...(manifest.permissions as string[]).map((p) => `permission \`${p}\``),
      ...(bot.supportsFiles ? ['`supportsFiles: true`'] : []),
    ].sort();
    expect(entries).toEqual(expected);
    // The README says there are no resource-specific consent permissions and no Graph app: so must the manifest.
    expect(manifest.authorization).toBeUndefined();
    expect(manifest.webApplicationInfo).toBeUndefined();
  });

  test('a manifestVersion without its schema, or a $schema naming another version, is refused', () => {
    const manifest = teamsManifest();
    expect(teamsProblems({ ...manifest, manifestVersion: '1.16' })).toEqual([
      expect.stringMatching(/manifestVersion "1\.16": no committed schema/),
    ]);
    const other = 'https://developer.microsoft.com/json-schemas/teams/v1.16/MicrosoftTeams.schema.json';
    expect(teamsProblems({ ...manifest, $schema: other }).join('\n')).toMatch(/\$schema .*v1\.16/);
  });
});

describe('Slack app manifest (manifest.yml)', () => {
  test('conforms to the manifest schema and the documented limits', () => {
    const manifest = slackManifest();
    expect(slack(manifest) ? [] : errorsOf(slack)).toEqual([]);
    expect(slackDocumentedProblems(manifest)).toEqual([]);
  });

  test("the README's install steps name exactly the bot scopes manifest.yml asks for", () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const step = /_Install to Workspace_([\s\S]*?)\n3\. /.exec(readme)?.[1] ?? '';
    const named = [...step.matchAll(/`([a-z]+(?::[a-z.]+)?)`/g)].map((m) => m[1]);
    const scopes = ((slackManifest().oauth_config as Json).scopes as { bot: string[] }).bot;
    expect(named.sort()).toEqual([...scopes].sort());
  });

  test('the "Add to Slack" scope table explains every bot scope manifest.yml asks for, and no other', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**"Add to Slack"'));
    const table = /\| scope +\| why Trellis needs it[^\n]*\n[^\n]*\n((?: *\|[^\n]*\n)+)/.exec(section)?.[1] ?? '';
    const rows = [...table.matchAll(/^ *\| `([^`]+)` +\| (.*\S) +\|$/gm)];
    const scopes = ((slackManifest().oauth_config as Json).scopes as { bot: string[] }).bot;
    expect(rows.map((r) => r[1]).sort()).toEqual([...scopes].sort());
    for (const row of rows) expect(row[2].length).toBeGreaterThan(10);
  });

  test('the checks catch a broken manifest', () => {
    const manifest = slackManifest();
    const display = manifest.display_information as Json;
    expect(slack({ ...manifest, display_information: { ...display, name: 'x'.repeat(36) } })).toBe(false);
    expect(slack({ ...manifest, oauth_config: { scopes: { bot: 'chat:write' } } })).toBe(false);
    const features = manifest.features as Json;
    const broken = {
      ...manifest,
      features: { ...features, slash_commands: [{ command: 'selfcheck', url: 'http://x' }] },
    };
    expect(slackDocumentedProblems(broken)).toHaveLength(2);
  });
});
