import type { PortfolioFileKind, PortfolioPeriod } from './portfolio-model';
import type { CalibrationChartData } from './ports';
import type { ExportFileKind } from './privacy';
/**
 * One platform-neutral message. Platforms render it: Block Kit in Slack, an Adaptive Card in Teams,
 * plain text in the terminal. Text uses one markup only: *bold*.
 */

export type ActionId =
  | 'reflect'
  | 'skip'
  | 'snooze'
  | 'open_selfcheck'
  | 'open_settings'
  | 'share'
  | 'confirm_delete'
  | 'confirm_delete_messages'
  | 'cancel'
  | 'journal_keep'
  | 'journal_discard'
  | 'deeper'
  | 'open_session'
  // A mentor coach (src/core/mentors.ts): the invitation's answers (value "r<relation id>"), rating a shared session.
  | 'mentor_accept'
  | 'mentor_decline'
  | 'mentor_rate'
  // The welcome's questions (src/core/welcome.ts); the value says which answer.
  | 'welcome_level'
  | 'welcome_toward'
  | 'welcome_practice';

export interface Button {
  action: ActionId;
  label: string;
  /** Carried back with the click, e.g. a prompt issue id. */
  value?: string;
  style?: 'primary' | 'danger';
}

export interface Field {
  label: string;
  value: string;
}

export interface Message {
  title?: string;
  /** Paragraphs or lines, in order. */
  lines: string[];
  /** Label/value pairs shown as a table where the platform can. */
  fields?: Field[];
  /** Lines best shown in a fixed-width font (tables, sparklines). */
  preformatted?: string[];
  buttons?: Button[];
  image?: { png: Uint8Array; alt: string; filename: string };
  /**
   * A chart still to be drawn (drawing is asynchronous, commands are not): platforms call `Trellis.drawCharts` on a
   * reply before sending it, which turns this into `image` (or drops it, leaving the text, when it cannot be drawn).
   */
  chart?: { calibration: CalibrationChartData; alt: string; filename: string };
  /** Files for the coach (an export): Slack uploads them to the DM, Teams attaches them, the terminal writes them. */
  files?: FileAttachment[];
  /** Quiet text at the end. */
  footer?: string;
}

/** A file built by the core; platforms deliver it. Content is text (CSV, JSON) in UTF-8, or base64 (a PDF). */
export interface FileAttachment {
  filename: string;
  /** Which file of an export or a portfolio this is, so a platform that delivers files later (Teams) can ask again. */
  kind: ExportFileKind | PortfolioFileKind;
  mimeType: 'text/csv' | 'application/json' | 'application/pdf';
  content: string;
  /** 'base64': `content` is binary (a PDF) as base64; otherwise it is the text itself. */
  encoding?: 'base64';
  /** A portfolio file's period, so a platform that builds it again later (Teams) builds the same file. */
  period?: PortfolioPeriod;
}

/** The bytes a platform uploads or writes for a file. */
export function fileBytes(file: Pick<FileAttachment, 'content' | 'encoding'>): Buffer {
  return Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8');
}

export function message(lines: string | string[], extra: Omit<Message, 'lines'> = {}): Message {
  return { lines: Array.isArray(lines) ? lines : [lines], ...extra };
}

/** The whole message as plain text: the terminal chat, notifications and fallbacks. */
export function toPlainText(m: Message): string {
  const parts: string[] = [];
  if (m.title) parts.push(m.title);
  parts.push(...m.lines);
  if (m.fields?.length) {
    const width = Math.max(...m.fields.map((f) => f.label.length));
    parts.push(m.fields.map((f) => `${f.label.padEnd(width)}  ${f.value}`).join('\n'));
  }
  if (m.preformatted?.length) parts.push(m.preformatted.join('\n'));
  // A chart not drawn (the terminal chat draws none) reads as its alt text, as a drawn one does.
  const chart = m.image ?? m.chart;
  if (chart) parts.push(`[chart: ${chart.alt}]`);
  if (m.files?.length) parts.push(m.files.map((f) => `[file: ${f.filename}]`).join(' '));
  if (m.buttons?.length) parts.push(m.buttons.map((b) => `[${b.label}]`).join(' '));
  if (m.footer) parts.push(m.footer);
  return parts.join('\n\n').replace(/\*([^*\n]+)\*/g, '$1');
}
