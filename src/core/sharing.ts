import { type ClientDetailKind, escapeRegExp, moreClientDetails } from './client-details';
import { type Message, message } from './message';

/** Something in a reflection that may identify a client, found before it is shared. */
export interface ShareWarning {
  kind: 'client_name' | 'email' | 'phone' | 'mention' | 'company' | ClientDetailKind;
  /** The words found, shown back to the coach (in their own DM) so they can see what to change. */
  found: string;
}

// Words after which a capitalised word is probably someone's name: "my client Maria", "coachee Tom's".
const CLIENT_WORDS = String.raw`(?:[Mm]y\s+|[Oo]ur\s+|[Tt]he\s+|[Aa]\s+)?(?:[Cc]lient|[Cc]oachee|[Mm]entee|[Cc]ustomer)s?(?:'s|’s)?`;
const NAME = String.raw`\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+)?`;
const CLIENT_NAME = new RegExp(String.raw`\b${CLIENT_WORDS}[,:]?\s+(?:(?:called|named)\s+)?(${NAME})`, 'gu');
/** Capitalised words that follow "client" without being a name. */
const NOT_NAMES = new Set([
  'I',
  'I’m',
  "I'm",
  'The',
  'A',
  'An',
  'And',
  'But',
  'Or',
  'So',
  'This',
  'That',
  'When',
  'Who',
  'We',
]);
// Starts only where a local part can start, or a long run of letters is re-read from every position (seconds).
const EMAIL = /(?<![\p{L}\d._%+-])[\p{L}\d._%+-]+@[\p{L}\d-]+(?:\.[\p{L}\d-]+)+/gu;
const PHONE = /(?<![\d-])[+(]?\d[\d\s().-]{7,18}\d(?![\d-])/g;
const MENTION = /(?:<@[A-Z0-9]+(?:\|[^>]+)?>|(?<![\p{L}\d._%+-])@[\p{L}\d._-]*[\p{L}\d])/gu;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What in `text` looks like it could identify a client: a name after "client"/"my coachee", an email address,
 * a phone number, an @mention, one of the client companies the coach listed, and (src/core/client-details.ts)
 * other first names, a name in lower case after "client", a role at an organisation, an age, a health or family
 * matter, a city or a named office. A heuristic that errs towards warning: the coach decides.
 */
export function clientDetailWarnings(text: string, companies: readonly string[] = []): ShareWarning[] {
  const warnings: ShareWarning[] = [];
  const add = (kind: ShareWarning['kind'], found: string) => {
    if (!warnings.some((w) => w.kind === kind && w.found === found)) warnings.push({ kind, found });
  };
  for (const m of text.matchAll(CLIENT_NAME)) {
    const words = m[1].split(/\s+/);
    if (NOT_NAMES.has(words[0])) continue;
    add('client_name', m[1]);
  }
  const emails = [...text.matchAll(EMAIL)].map((m) => m[0]);
  for (const e of emails) add('email', e);
  for (const m of text.matchAll(PHONE)) {
    const found = m[0].trim();
    const digits = found.replace(/\D/g, '').length;
    if (digits >= 9 && !DATE_LIKE.test(found)) add('phone', found);
  }
  for (const m of text.matchAll(MENTION)) {
    if (emails.some((e) => e.includes(m[0]))) continue;
    add('mention', m[0]);
  }
  for (const company of companies) {
    const name = company.trim();
    if (!name) continue;
    const re = new RegExp(`(?<![\\p{L}\\d])${escapeRegExp(name)}(?![\\p{L}\\d])`, 'iu');
    const m = re.exec(text);
    if (m) add('company', m[0]);
  }
  for (const detail of moreClientDetails(text)) {
    // "client Maria" is already reported as a name after "client".
    if (
      detail.kind === 'first_name' &&
      warnings.some((w) => w.kind === 'client_name' && w.found.includes(detail.found))
    )
      continue;
    add(detail.kind, detail.found);
  }
  return warnings;
}

const WHAT: Record<ShareWarning['kind'], string> = {
  client_name: 'a name after "client" or "coachee"',
  email: 'an email address',
  phone: 'a phone number',
  mention: 'an @mention',
  company: 'a client company you listed',
  first_name: 'what looks like a first name',
  lowercase_name: 'what looks like a name after "client" or "coachee"',
  role_at_organisation: 'a role at an organisation',
  age: 'an age',
  health_or_family: 'a health or family matter',
  place: 'a place or office',
};

export function describeWarning(w: ShareWarning): string {
  return `${WHAT[w.kind]}: ${w.found}`;
}

/** The preview a coach sees before sharing: what goes where, any warnings, and the Share button. */
export function sharePreview(
  reflection: { id: number; text: string },
  groupNames: readonly string[],
  warnings: readonly ShareWarning[],
): Message {
  const where = groupNames.length === 1 ? groupNames[0] : groupNames.join(', ');
  const lines = [
    `This is what ${where} would see in the next weekly digest, without your name (no ratings, no notes):`,
    `“${reflection.text}”`,
  ];
  if (warnings.length) {
    lines.push(
      `*Before you share: this may identify a client.* I found ${warnings.map(describeWarning).join('; ')}.`,
      'Coaching is confidential: please re-read it and edit those details out before you share: write the reflection again without them and share that one instead.',
    );
  }
  return message(lines, {
    title: 'Share this reflection?',
    buttons: [
      warnings.length
        ? { action: 'share', label: 'Share anyway', value: String(reflection.id), style: 'danger' }
        : { action: 'share', label: 'Share', value: String(reflection.id), style: 'primary' },
      { action: 'cancel', label: 'Keep it private', value: String(reflection.id) },
    ],
    footer: `Nothing is shared until you press the button (or type "share confirm ${reflection.id}").`,
  });
}

/** "Acme, Globex Ltd; Initech" → names, trimmed, without duplicates; "none" clears. */
export function parseCompanyList(input: string): string[] {
  const text = input.trim();
  if (/^(none|clear|-)$/i.test(text)) return [];
  const names = text
    .split(/[,;\n]+/)
    .map((n) => n.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  const seen = new Set<string>();
  return names.filter((n) => {
    const key = n.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
