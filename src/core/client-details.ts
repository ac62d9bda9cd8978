import { z } from 'zod';
import data from './client-details.json';

/**
 * The newer half of the client-detail guard (src/core/sharing.ts): names without the word "client" before them,
 * roles at organisations, ages, health and family matters, places. Heuristics that err towards warning; the coach
 * re-reads and decides. Nothing here logs or keeps the text.
 */
export type ClientDetailKind =
  | 'first_name'
  | 'lowercase_name'
  | 'role_at_organisation'
  | 'age'
  | 'health_or_family'
  | 'place';

export interface ClientDetail {
  kind: ClientDetailKind;
  found: string;
}

/** Each line of a list holds several entries, split by `separator`: the file stays short enough to read. */
const entries = (separator: string) =>
  z
    .array(z.string().min(1))
    .min(1)
    .transform((lines) => lines.flatMap((line) => line.split(separator).map((entry) => entry.trim())))
    .pipe(z.array(z.string().min(1, 'an empty entry (two separators in a row)')));
const lists = z
  .object({
    commonWords: entries(' '),
    firstNames: entries(' '),
    // Some of these have spaces ("New York", "sick leave").
    healthAndFamily: entries(','),
    places: entries(','),
  })
  .parse(data);

/** Ordinary words (lower case): a capitalised one at the start of a sentence is not a name. */
const COMMON = new Set(lists.commonWords.map((w) => w.toLowerCase()));
const FIRST_NAMES = new Set(lists.firstNames.map((w) => w.toLowerCase()));

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** "director" → "[Dd]irector": the role words may start a sentence, without making the whole pattern caseless. */
const anyFirstCase = (word: string) => `[${word[0].toUpperCase()}${word[0]}]${escapeRegExp(word.slice(1))}`;
const alternatives = (words: readonly string[]) =>
  [...words]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');

const normalise = (word: string) => word.replace(/’/g, "'").toLowerCase();

/** Words shaped like verbs, adverbs or abstract nouns ("Slowed", "Honestly", "Listening") are not first names. */
const NOT_NAME_SHAPE = /(?:..ly|..ing|...ed|ness|ment|tion|sion|ity)$/;

function isOrdinaryWord(word: string): boolean {
  const w = normalise(word);
  if (FIRST_NAMES.has(w)) return false;
  if (COMMON.has(w) || NOT_NAME_SHAPE.test(w)) return true;
  // Plurals and third persons of ordinary words: "Sessions", "Feels".
  return (w.endsWith('s') && COMMON.has(w.slice(0, -1))) || (w.endsWith('es') && COMMON.has(w.slice(0, -2)));
}

const isAcronym = (word: string) => /^\p{Lu}[\p{Lu}\d]+$/u.test(word);

// One capitalised word ("O'Neil", "Jo-Anne"), with a possessive if it has one.
const CAPITALISED = /(?<![\p{L}\d'’-])\p{Lu}[\p{L}'’-]*/gu;
const POSSESSIVE = /['’]s$/;
const AFTER_SENTENCE_END = /(?:[.!?…]["'”’)\]]*\s+|\n)["'“‘(\s]*$/u;
const OPENING = /^["'“‘(\s]*$/u;

/** Only the few characters before a word decide (a long text is not re-read for every capital). */
function startsSentence(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 12), index);
  return AFTER_SENTENCE_END.test(before) || (index <= 12 && OPENING.test(before));
}

/** "Tom said…" at the start of a sentence, "Maria's manager", or a known first name anywhere ("met with Priya"). */
function names(text: string, add: (found: string) => void): void {
  const words = [...text.matchAll(CAPITALISED)];
  let surnameOf = -1;
  words.forEach((m, i) => {
    if (i === surnameOf) return;
    const possessive = POSSESSIVE.test(m[0]);
    const word = m[0].replace(POSSESSIVE, '');
    if (word.length < 2 || isAcronym(word)) return;
    const known = FIRST_NAMES.has(normalise(word));
    const sentenceStart = startsSentence(text, m.index);
    if (!known && !((sentenceStart || possessive) && !isOrdinaryWord(word))) return;
    // A surname right after it: "Tom Baker".
    const next = words[i + 1];
    const between = next ? text.slice(m.index + m[0].length, next.index) : '';
    const surname = !possessive && next && /^\s+$/.test(between) ? next[0].replace(POSSESSIVE, '') : '';
    if (surname && !isOrdinaryWord(surname) && !isAcronym(surname)) {
      surnameOf = i + 1;
      add(`${word} ${surname}`);
    } else add(word);
  });
}

// One client, not a possessive ("my client's mood" is about the client, not their name).
const LOWERCASE_AFTER_CLIENT =
  /(?<![\p{L}])(?:[Cc]lient|[Cc]oachee|[Mm]entee|[Cc]ustomer)(,\s*|:\s*|\s+(?:called\s+|named\s+)?)(\p{Ll}[\p{Ll}'’-]+)(,?)(?![\p{L}'’])/gu;

/**
 * "my coachee tom", "client maria", "my client, jamal, said": a name typed in lower case after a client word.
 * A known first name, or a word that is not an ordinary one and is set off by commas or "called"/"named".
 */
function lowercaseNames(text: string, add: (found: string) => void): void {
  for (const [, lead, word, comma] of text.matchAll(LOWERCASE_AFTER_CLIENT)) {
    const setOff = (lead.includes(',') && comma !== '') || /called|named/.test(lead);
    if (FIRST_NAMES.has(normalise(word)) || (setOff && !isOrdinaryWord(word))) add(word);
  }
}

const ROLE = [
  '(?:CEO|CFO|COO|CTO|CIO|CMO|CHRO|CPO|CRO|CDO|CISO|MD|VP|SVP|EVP|GM)',
  String.raw`[Cc]hief\s+\p{Ll}+\s+[Oo]fficer`,
  String.raw`[Hh]ead(?:\s+of\s+\p{Ll}+(?:\s+\p{Ll}+)?)?`,
  ...[
    'director',
    'manager',
    'partner',
    'founder',
    'co-founder',
    'cofounder',
    'owner',
    'president',
    'vice president',
    'vice-president',
    'chair',
    'chairman',
    'chairwoman',
    'chairperson',
    'chair of the board',
    'chairman of the board',
    'principal',
    'headteacher',
    'dean',
  ].map(anyFirstCase),
].join('|');
const ORG_NOUN = [
  'firm',
  'bank',
  'startup',
  'start-up',
  'agency',
  'consultancy',
  'hospital',
  'university',
  'school',
  'college',
  'charity',
  'council',
  'ministry',
  'retailer',
  'supermarket',
  'insurer',
  'company',
  'nonprofit',
  'non-profit',
].join('|');
const ORG_WORD = String.raw`\p{Lu}[\p{L}\d&'’-]*(?:\.[\p{L}\d]+)*`;
const ORG = String.raw`${ORG_WORD}(?:\s+(?:&\s+)?${ORG_WORD})*|(?:(?:a|an|the|one of the)\s+)?(?:\p{Ll}[\p{Ll}-]*\s+){0,2}(?:${ORG_NOUN})`;
const ROLE_AT_ORG = new RegExp(
  String.raw`(?<![\p{L}])(?:${ROLE})\s+(?:at|of|from)\s+(?:(?:a|an|the)\s+)?(?:${ORG})(?![\p{L}])`,
  'gu',
);

/** "the CFO at Globex", "head of sales at Acme Ltd", "a partner at a law firm". */
function rolesAtOrganisations(text: string, add: (found: string) => void): void {
  for (const m of text.matchAll(ROLE_AT_ORG)) {
    const org = /\s(?:at|of|from)\s+(?:(?:a|an|the)\s+)?(.+)$/u.exec(m[0])?.[1] ?? '';
    const words = org.split(/\s+/);
    // "head of Monday's meeting" is not an organisation: a capitalised org must not be an ordinary word alone.
    if (/^\p{Lu}/u.test(org) && words.length === 1 && isOrdinaryWord(org.replace(/['’]s$/, ''))) continue;
    add(m[0]);
  }
}

const AGE_WORDS = '(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|[2-9]0s)';
const AGES = [
  // "she is 52", "he was 34.", "they're 41 and …"
  /(?<![\p{L}])(?:[Ss]he|[Hh]e|[Tt]hey|who|\p{Lu}\p{Ll}+)(?:\s+(?:is|was|are|were|turned|turns|will be)|['’]s|['’]re)\s+(\d{2})(?=\s*(?:years?\b|yrs?\b|[.,;:!?)]|$|\s+(?:and|but|now|so|this|next|last|with|today|already)\b))/gu,
  /(?<![\d])\d{1,3}[- ]?(?:year|yr)s?[- ]old\b/giu,
  /(?<![\d])\d{1,3}\s*(?:yo|y\/o|y\.o\.)(?![\p{L}])/giu,
  new RegExp(
    String.raw`(?<![\p{L}])in\s+(?:his|her|their|my|your|our)\s+(?:(?:early|mid|late)[- ]?)?${AGE_WORDS}(?![\p{L}])`,
    'giu',
  ),
  /(?<![\p{L}])(?:aged|age|turned|turning|turns)\s+\d{2,3}(?![\d:.]\d)(?![\d])/giu,
  /(?<![\p{L}])at\s+the\s+age\s+of\s+\d{1,3}\b/giu,
];

function ages(text: string, add: (found: string) => void): void {
  for (const pattern of AGES) for (const m of text.matchAll(pattern)) add(m[0]);
}

const HEALTH = new RegExp(
  String.raw`(?<![\p{L}'’-])(?:${alternatives(lists.healthAndFamily)})(?:s|es)?(?![\p{L}'’-])`,
  'giu',
);

/** divorce, pregnancy, cancer, IVF, bereavement, … (data: client-details.json). */
function healthAndFamily(text: string, add: (found: string) => void): void {
  for (const m of text.matchAll(HEALTH)) add(m[0]);
}

const PLACES = new RegExp(String.raw`(?<![\p{L}])(?:${alternatives(lists.places)})(?![\p{L}])`, 'gu');
const SITE =
  '(?:office|offices|branch|site|team|plant|store|depot|campus|hub|HQ|headquarters|clinic|warehouse|factory|lab|studio)';
const NAMED_SITE = new RegExp(
  String.raw`(?<![\p{L}])(?:[Tt]he|[Oo]ur|[Tt]heir|[Hh]is|[Hh]er|[Mm]y|[Yy]our|[Aa])\s+(\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*)?)\s+${SITE}(?![\p{L}])`,
  'gu',
);

/** Major cities (data file) and "the Manchester office", "our Berlin team", "the Northside branch". */
function places(text: string, add: (found: string) => void): void {
  const cities = [...text.matchAll(PLACES)].map((m) => m[0]);
  for (const city of cities) add(city);
  for (const m of text.matchAll(NAMED_SITE)) {
    const words = m[1].split(/\s+/);
    if (cities.includes(m[1]) || words.every((w) => isOrdinaryWord(w) || isAcronym(w))) continue;
    add(m[0]);
  }
}

const DETECTORS: Record<ClientDetailKind, (text: string, add: (found: string) => void) => void> = {
  first_name: names,
  lowercase_name: lowercaseNames,
  role_at_organisation: rolesAtOrganisations,
  age: ages,
  health_or_family: healthAndFamily,
  place: places,
};

/** Every detail of these kinds in `text`, in the order of the kinds, each found once. */
export function moreClientDetails(text: string): ClientDetail[] {
  const details: ClientDetail[] = [];
  for (const [kind, detect] of Object.entries(DETECTORS) as [ClientDetailKind, (typeof DETECTORS)[ClientDetailKind]][])
    detect(text, (found) => {
      if (!details.some((d) => d.kind === kind && d.found === found)) details.push({ kind, found });
    });
  return details;
}
