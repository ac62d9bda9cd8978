import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { type FileAttachment, fileBytes, type Message } from '../../core/message';

/** What files.uploadV2 resolves with: one completion per upload job, each naming the files it shared. */
const uploadResult = z.looseObject({
  files: z.array(z.looseObject({ files: z.array(z.looseObject({ id: z.string().min(1) })).optional() })).optional(),
});

/** The ids of the files an upload shared, so they can be deleted again (files.delete). */
export function uploadedFileIds(result: unknown): string[] {
  const parsed = uploadResult.safeParse(result);
  if (!parsed.success) return [];
  return (parsed.data.files ?? []).flatMap((job) => (job.files ?? []).map((f) => f.id));
}

/**
 * The chart's file name with a short digest of the delivery key in it ("trellis-week-2026-11-23-3f9a1c2b7d.png"),
 * so after a crash mid-upload the conversation's history can tell whether this delivery's chart is already there.
 */
export function keyedFilename(filename: string, deliveryKey: string): string {
  const digest = createHash('sha256').update(deliveryKey).digest('hex').slice(0, 10);
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? `${filename.slice(0, dot)}-${digest}${filename.slice(dot)}` : `${filename}-${digest}`;
}

/**
 * Uploads a message's chart into a conversation (a DM or a channel) with files.uploadV2, which asks Slack for an
 * upload URL, sends the bytes there, and completes the upload into the conversation. Needs the `files:write` scope.
 */
export async function uploadImage(
  client: WebClient,
  channelId: string,
  image: NonNullable<Message['image']>,
  /** The stored file's name (keyedFilename when the outbox must find it again); the title stays the plain one. */
  filename = image.filename,
): Promise<string[]> {
  const result = await client.files.uploadV2({
    channel_id: channelId,
    file: Buffer.from(image.png),
    filename,
    title: image.filename.replace(/\.png$/, ''),
    alt_text: image.alt.slice(0, 1000),
  });
  return uploadedFileIds(result);
}

/**
 * The chart after its text has been posted. The text is the delivery (it carries the delivery key and reads whole
 * without the picture), so a failed upload is reported to the caller, never thrown: throwing would make the outbox
 * send the text a second time.
 */
export async function attachChart(
  client: WebClient,
  channelId: string,
  image: Message['image'],
  onUploaded: (fileIds: string[]) => void = () => undefined,
): Promise<boolean | undefined> {
  if (!image) return undefined;
  try {
    onUploaded(await uploadImage(client, channelId, image));
    return true;
  } catch {
    return false;
  }
}

/**
 * An export's (or a portfolio's) files into the coach's DM, in one files.uploadV2 call (one upload URL per file, then
 * one completion that shares them all in the DM). The comment says what they are; the contents go only into the
 * upload, as bytes (a PDF is binary).
 */
export async function uploadExportFiles(
  client: WebClient,
  channelId: string,
  files: readonly FileAttachment[],
  onUploaded: (fileIds: string[]) => void = () => undefined,
): Promise<void> {
  const result = await client.files.uploadV2({
    channel_id: channelId,
    initial_comment: files.some((f) => f.kind.startsWith('portfolio-'))
      ? 'Your Trellis portfolio. It holds your client codes and the reflections you ticked: share it with care.'
      : 'Your Trellis export. These files hold your private notes: keep them somewhere safe.',
    file_uploads: files.map((f) => ({
      file: fileBytes(f),
      filename: f.filename,
      title: f.filename,
    })),
  });
  onUploaded(uploadedFileIds(result));
}
