import Ajv from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import adaptiveCard14 from './vendor/adaptive-card-1.4.0.json';
import adaptiveCard15 from './vendor/adaptive-card-1.5.0.json';

/**
 * Microsoft's rules for what a bot sends to Teams, checked on every activity Trellis sends:
 * - the Adaptive Card JSON schema for the card's declared version (vendor/adaptive-card-1.4.0.json and
 *   -1.5.0.json, strict: no unknown element types or properties), validated with ajv as draft-06, as the schemas
 *   declare; a card declaring a version with no committed schema is a problem, never checked against another;
 * - Microsoft's own `adaptivecards` package (3.x) parsing the card, with its parse and validation events;
 * - Teams' limits: https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages
 *   (message size, without base64 images) and
 *   https://learn.microsoft.com/microsoftteams/platform/bots/build-conversational-capability (pictures up to
 *   1024 × 1024 pixels and 1 MB, PNG, JPEG or GIF); a card activity carries `summary` or `text` for notifications
 *   and clients that cannot render cards
 *   (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-reference).
 */

type Json = Record<string, unknown>;

export const TEAMS_LIMITS = {
  /**
   * 28 KB, the card payload size Teams documents for Adaptive Cards and the strictest of Microsoft's published
   * figures (a whole bot message: 100 KB now, 40 KB in older pages), counted as UTF-8 JSON without base64 images.
   */
  messageBytes: 28 * 1024,
  imagePixels: 1024,
  imageBytes: 1024 * 1024,
  /** Teams renders Adaptive Cards up to 1.5 (desktop and mobile). */
  cardVersion: '1.5',
} as const;

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

// The package ships ES modules without file extensions in lib/ (unloadable under CommonJS jest) and a UMD
// bundle in dist/, which is what loads here.
interface AcEvent {
  phase: number;
  event: number;
  message: string;
}
interface AdaptiveCardsUmd {
  AdaptiveCard: new () => {
    parse(json: unknown, ctx: unknown): void;
    validateProperties(): { validationEvents: AcEvent[] };
  };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): AcEvent };
  ValidationEvent: Record<number, string>;
}
const AC = require('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsUmd;

// The schema's two formats, as RFC 3986 has them (data: URIs included); ajv ships no format checks of its own.
const formats = { uri: /^[a-z][a-z0-9+.-]*:\S*$/i, 'uri-reference': /^\S*$/ };
const ajv = new Ajv({ allErrors: true, strict: false, formats });
ajv.addMetaSchema(draft06);
/**
 * One compiled schema per card version Trellis may declare (Teams renders up to 1.5). The files declare draft-06
 * but name themselves with draft-04's `id` (the same one for every version), which ajv 8 refuses: each is read as
 * a `$id` of its own.
 */
const CARD_SCHEMAS: Record<string, { id: string }> = { '1.4': adaptiveCard14, '1.5': adaptiveCard15 };
const cardValidators = new Map(
  Object.entries(CARD_SCHEMAS).map(([version, { id, ...schema }]) => [
    version,
    ajv.compile({ ...schema, $id: `${id}#${version}` }),
  ]),
);

/** The card versions a committed schema covers. */
export const CARD_SCHEMA_VERSIONS = Object.keys(CARD_SCHEMAS);

/** Problems the official schema for the card's declared `version` finds in it. */
export function schemaProblems(card: unknown): string[] {
  const version = String((card as Json | undefined)?.version ?? '');
  const validate = cardValidators.get(version);
  if (!validate)
    return [
      `schema: no committed schema for card version "${version}" (have ${CARD_SCHEMA_VERSIONS.join(', ')}; add the vendor file)`,
    ];
  if (validate(card)) return [];
  return (validate.errors ?? []).map((e) => `schema ${version} ${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** Problems Microsoft's adaptivecards package reports while parsing and validating a card. */
export function parserProblems(card: unknown): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  const events: AcEvent[] = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i));
  events.push(...parsed.validateProperties().validationEvents);
  return events.map((e) => `adaptivecards ${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
}

function versionNumber(v: string): number {
  const [major, minor] = v.split('.').map(Number);
  return major * 100 + (minor || 0);
}

/** Width, height and byte size of a base64 PNG data URI, read from its header. */
export function dataUriPng(url: string): { width: number; height: number; bytes: number } | undefined {
  const m = /^data:image\/png;base64,(.*)$/s.exec(url);
  if (!m) return undefined;
  const buf = Buffer.from(m[1], 'base64');
  if (buf.length < 24 || buf.readUInt32BE(0) !== 0x89504e47 || buf.toString('latin1', 12, 16) !== 'IHDR')
    return { width: Number.NaN, height: Number.NaN, bytes: buf.length };
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), bytes: buf.length };
}

function imageProblems(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) imageProblems(n, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const el = node as Json;
  if (el.type === 'Image' && typeof el.url === 'string') {
    if (el.url.startsWith('data:')) {
      const png = dataUriPng(el.url);
      const L = TEAMS_LIMITS;
      if (!png) out.push('image: a data URI that is not a base64 PNG');
      else if (!(png.width <= L.imagePixels && png.height <= L.imagePixels))
        out.push(`image: ${png.width}×${png.height} pixels, Teams allows at most ${L.imagePixels}×${L.imagePixels}`);
      else if (png.bytes > L.imageBytes) out.push(`image: ${png.bytes} bytes, limit ${L.imageBytes}`);
    }
    if (typeof el.altText !== 'string' || el.altText === '') out.push('image: no altText');
  }
  for (const value of Object.values(el)) if (typeof value === 'object') imageProblems(value, out);
}

/** The message as Teams counts it: its JSON without base64 image data. */
export function messageBytes(activity: Json): number {
  const json = JSON.stringify(activity).replace(/data:image\/[a-z]+;base64,[A-Za-z0-9+/=]+/g, 'data:');
  return Buffer.byteLength(json, 'utf8');
}

/** One activity Trellis sent to the Bot Connector (a reply, proactive send or card update). */
export function checkTeamsActivity(where: string, activity: Json): string[] {
  const out: string[] = [];
  const attachments = (activity.attachments ?? []) as Json[];
  if (activity.type === 'message' && attachments.length > 0) {
    const has = (key: string) => typeof activity[key] === 'string' && (activity[key] as string).trim() !== '';
    if (!has('summary') && !has('text')) out.push('no summary or text beside the attachments');
  }
  const size = messageBytes(activity);
  if (size > TEAMS_LIMITS.messageBytes) out.push(`message is ${size} bytes, limit ${TEAMS_LIMITS.messageBytes}`);
  for (const a of attachments) {
    if (a.contentType !== ADAPTIVE_CARD) continue;
    const card = a.content as Json;
    const version = String(card?.version ?? '');
    if (!/^\d+\.\d+$/.test(version) || versionNumber(version) > versionNumber(TEAMS_LIMITS.cardVersion))
      out.push(`card version "${version}": Teams renders up to ${TEAMS_LIMITS.cardVersion}`);
    else out.push(...schemaProblems(card));
    out.push(...parserProblems(card));
    imageProblems(card, out);
  }
  return out.map((p) => `teams ${where}: ${p}`);
}
