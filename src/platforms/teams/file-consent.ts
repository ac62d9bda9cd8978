import { type Activity, ActivityTypes, type Attachment, type InvokeResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { isTrellisError } from '../../core/errors';
import { type FileAttachment, fileBytes, message } from '../../core/message';
import type { CoachRef } from '../../core/model';
import { PORTFOLIO_FILE_KINDS, periodSchema } from '../../core/portfolio-model';
import type { Logger } from '../../core/ports';
import { EXPORT_FILE_KINDS } from '../../core/privacy';
import type { Trellis } from '../../core/trellis';
import { coachRefOf, isPersonal } from './references';
import { renderActivity } from './render';
import { putFile, UPLOAD_TIMEOUT_MS, uploadTarget } from './upload';

/**
 * An export's files in Teams, by the file-consent flow: a FileConsentCard per file asks the coach to allow it; Teams
 * answers with a fileConsent/invoke carrying an upload URL in the coach's OneDrive; the bot rebuilds the file from the
 * core, PUTs it there and shows it with a FileInfoCard. The card's context names only the file and the coach, so no
 * copy of the export waits anywhere between the two steps.
 */

export const FILE_CONSENT_INVOKE = 'fileConsent/invoke';
export const FILE_CONSENT_CARD = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO_CARD = 'application/vnd.microsoft.teams.card.file.info';

const id = z.string().min(1).max(256);

/**
 * What a consent card carries and Teams hands back: which export file, for which coach; or which portfolio file,
 * for which coach and period (checked again on the way back, so the file is rebuilt for exactly that period).
 */
export const consentContextSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('trellis-export'), file: z.enum(EXPORT_FILE_KINDS), tenant: id, user: id }),
  z.strictObject({
    kind: z.literal('trellis-portfolio'),
    file: z.enum(PORTFOLIO_FILE_KINDS),
    period: periodSchema,
    tenant: id,
    user: id,
  }),
]);
export type ConsentContext = z.infer<typeof consentContextSchema>;

const uploadInfoSchema = z.looseObject({
  name: z.string().min(1).max(400),
  uploadUrl: z.string().min(1).max(4096),
  contentUrl: z.string().min(1).max(4096),
  uniqueId: z.string().min(1).max(400),
  fileType: z.string().min(1).max(40),
});
export type UploadInfo = z.infer<typeof uploadInfoSchema>;

/** The invoke's value: an accept comes with where to upload; a decline needs nothing more than the context. */
export const fileConsentSchema = z.discriminatedUnion('action', [
  z.looseObject({
    type: z.literal('fileUpload'),
    action: z.literal('accept'),
    context: consentContextSchema,
    uploadInfo: uploadInfoSchema,
  }),
  z.looseObject({
    type: z.literal('fileUpload'),
    action: z.literal('decline'),
    context: consentContextSchema,
    uploadInfo: uploadInfoSchema.partial().optional(),
  }),
]);

const DESCRIPTIONS: Record<ConsentContext['file'], string> = {
  export: 'Everything Trellis holds about you, as JSON (your private notes and reflections included)',
  'self-checks': 'Your self-checks as CSV: ratings and private notes',
  reflections: 'Your reflections as CSV, with the prompts they answered',
  prompts: 'The reflection prompts you were sent, as CSV',
  settings: 'Your Trellis settings, as CSV',
  'portfolio-pdf': 'Your portfolio as PDF: coaching log, mentor coaching, marker ratings, comments, ticked reflections',
  'portfolio-coaching-log': 'Your client coaching log as CSV, in the columns of ICF’s template',
  'portfolio-mentoring-log': 'Your mentor-coaching log as CSV',
};

/** What the coach types to get a file's cards again. */
const again = (context: ConsentContext) => (context.kind === 'trellis-portfolio' ? '/selfcheck portfolio' : 'export');

/** The card's context for a file: a portfolio file carries its period. */
function contextOf(file: FileAttachment, coach: CoachRef): ConsentContext {
  const who = { tenant: coach.tenant, user: coach.user };
  const portfolio = z.enum(PORTFOLIO_FILE_KINDS).safeParse(file.kind);
  if (portfolio.success && file.period)
    return { kind: 'trellis-portfolio', file: portfolio.data, period: file.period, ...who };
  return { kind: 'trellis-export', file: z.enum(EXPORT_FILE_KINDS).parse(file.kind), ...who };
}

/** One FileConsentCard per export file: Teams shows its name, size and Allow / Decline. */
export function consentActivities(files: readonly FileAttachment[], coach: CoachRef): Partial<Activity>[] {
  return files.map((file) => {
    const context = contextOf(file, coach);
    const attachment: Attachment = {
      contentType: FILE_CONSENT_CARD,
      name: file.filename,
      content: {
        description: DESCRIPTIONS[file.kind],
        sizeInBytes: fileBytes(file).length,
        acceptContext: context,
        declineContext: context,
      },
    };
    // The summary is what a notification shows: the card itself asks Allow / Decline.
    return {
      type: ActivityTypes.Message,
      attachments: [attachment],
      summary: `Save ${file.filename} to your OneDrive?`,
    };
  });
}

/** What Teams shows for a file now in the coach's OneDrive: opens it from there. */
export function fileInfoCard(upload: UploadInfo): Attachment {
  return {
    contentType: FILE_INFO_CARD,
    contentUrl: upload.contentUrl,
    name: upload.name,
    content: { uniqueId: upload.uniqueId, fileType: upload.fileType },
  };
}

export interface FileConsentDeps {
  trellis: Trellis;
  log: Logger;
  /** How long one upload may take (tests shorten it). */
  uploadTimeoutMs?: number;
}

const say = (text: string) => renderActivity(message(text));
const answer = (status: number, body?: unknown): InvokeResponse => ({ status, ...(body ? { body } : {}) });

/**
 * Answers a fileConsent/invoke: Allow uploads the file, Decline says nothing was sent. Every outcome is told to the
 * coach in words and answered to Teams with a status; the log gets ids and statuses, never content or the URL.
 */
export async function handleFileConsent(context: TurnContext, deps: FileConsentDeps): Promise<InvokeResponse> {
  const { activity } = context;
  const parsed = fileConsentSchema.safeParse(activity.value);
  if (!parsed.success || !isPersonal(activity)) {
    deps.log.warn('teams: file consent unreadable', { personal: isPersonal(activity) });
    await context.sendActivity(
      say('I could not read your answer to that file card, so nothing was sent. Type *export* to get new cards.'),
    );
    return answer(400, { error: 'not a file consent answer for a personal chat' });
  }
  const value = parsed.data;
  const { file } = value.context;
  const coach = coachRefOf(activity);
  // The card names its coach; only that coach may have the file, whoever else's client sends the answer.
  if (coach.tenant !== value.context.tenant || coach.user !== value.context.user) {
    deps.log.warn('teams: file consent from another user refused', { file });
    await context.sendActivity(say('That file belongs to someone else’s export, so I did not send it.'));
    return answer(403, { error: 'this file is not yours' });
  }
  if (value.action === 'decline') {
    deps.log.info('teams: export file declined', { file });
    await context.sendActivity(
      say(
        `No problem: that file was not sent, and your data stays where it was. Type *${again(value.context)}* if you change your mind.`,
      ),
    );
    return answer(200);
  }
  return accept(context, deps, coach, value.context, value.uploadInfo);
}

async function accept(
  context: TurnContext,
  deps: FileConsentDeps,
  coach: CoachRef,
  asked: ConsentContext,
  upload: UploadInfo,
): Promise<InvokeResponse> {
  const { file } = asked;
  const target = uploadTarget(upload.uploadUrl);
  if (!target) {
    deps.log.warn('teams: upload address refused', { file, uniqueId: upload.uniqueId });
    await context.sendActivity(
      say(
        `Teams gave me an upload address I cannot trust, so I sent nothing. Please type *${again(asked)}* to try again.`,
      ),
    );
    return answer(400, { error: 'the upload URL must be https' });
  }
  let exported: ReturnType<Trellis['exportFile']>;
  try {
    exported =
      asked.kind === 'trellis-portfolio'
        ? deps.trellis.portfolio.file(coach, asked.file, asked.period)
        : deps.trellis.exportFile(coach, asked.file);
  } catch (error) {
    if (!isTrellisError(error)) throw error;
    await context.sendActivity(say(error.message));
    return answer(503, { error: error.code });
  }
  if (!exported) {
    await context.sendActivity(say('Trellis holds nothing about you now, so there is no file to send.'));
    return answer(200);
  }
  const bytes = fileBytes(exported.file);
  const outcome = await putFile(target, bytes, deps.uploadTimeoutMs ?? UPLOAD_TIMEOUT_MS);
  if (!outcome.ok) {
    deps.log.warn('teams: export upload failed', {
      file,
      uniqueId: upload.uniqueId,
      status: outcome.status,
      reason: outcome.reason,
    });
    await context.sendActivity(
      say(
        `I could not save *${upload.name}* to your OneDrive, so it was not sent. Please type *${again(asked)}* to try again.`,
      ),
    );
    return answer(200);
  }
  exported.delivered();
  deps.log.info('teams: export file delivered', { file, uniqueId: upload.uniqueId, status: outcome.status });
  await context.sendActivity({
    ...say(`*${upload.name}* is in your OneDrive now. It holds private notes, so keep it somewhere safe.`),
    attachments: [fileInfoCard(upload)],
  });
  return answer(200);
}
