import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseEnv } from '../src/config';
import { buildAppPackage, packageOptionsSchema } from '../src/platforms/teams/app-package';

/**
 * npm run teams:package [-- --app-id GUID --version 1.0.0 --developer NAME --website URL --privacy URL --terms URL
 *                          --out FILE]
 * Builds the Teams app package (manifest.json, color.png, outline.png) to upload in the Teams admin center.
 * The app id defaults to MICROSOFT_APP_ID.
 */
function main(): void {
  const { values } = parseArgs({
    options: {
      'app-id': { type: 'string' },
      version: { type: 'string' },
      developer: { type: 'string' },
      website: { type: 'string' },
      privacy: { type: 'string' },
      terms: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const env = parseEnv();
  const pkg = z
    .object({ version: z.string() })
    .parse(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')));
  const website = values.website ?? 'https://example.com/trellis';
  const parsed = packageOptionsSchema.safeParse({
    appId: values['app-id'] ?? env.MICROSOFT_APP_ID,
    version: values.version ?? pkg.version,
    developerName: values.developer ?? 'Trellis',
    websiteUrl: website,
    privacyUrl: values.privacy ?? website,
    termsOfUseUrl: values.terms ?? website,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `  - ${i.path.join('.') === 'appId' ? '--app-id / MICROSOFT_APP_ID' : i.path.join('.')}: ${i.message}`,
    );
    throw new Error(`Cannot build the Teams app package:\n${problems.join('\n')}`);
  }
  const out = path.resolve(values.out ?? 'build/teams/trellis-teams.zip');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const bytes = buildAppPackage(parsed.data);
  fs.writeFileSync(out, bytes);
  process.stdout.write(
    `Wrote ${path.relative(process.cwd(), out)} (${bytes.length.toLocaleString('en')} bytes) for app ${parsed.data.appId}.\n`,
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
