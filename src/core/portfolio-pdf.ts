import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { hours, logMessage } from './credential-log';
import type { Field } from './message';
import { normaliseClientCode, type PortfolioData } from './portfolio-data';
import { periodText } from './portfolio-model';
import type { CalibrationChartData } from './ports';
import { MARKER_IDS, marker, REQUIREMENTS } from './rubric';
import type { Observation } from './sessions';

/**
 * The portfolio PDF (issue #15), drawn with pdfkit, synchronously: pdfkit writes the whole file when `end()` is
 * called, so a command can answer with it like any other file. The same data gives the same file: the creation
 * date is the core clock's, and nothing else in it depends on the time it was made.
 */

const MARGIN = 50;
const SELF_COLOUR = '#4e79a7';
const MENTOR_COLOUR = '#f28e2b';
const GREY = '#666666';

/**
 * DejaVu Sans (found through fontconfig, as the charts do) covers far more scripts than the PDF's own Helvetica.
 * Read once: every PDF after the first embeds them from memory.
 */
let fonts: { regular: Buffer; bold: Buffer } | null | undefined;
function fontFiles(): { regular: Buffer; bold: Buffer } | null {
  if (fonts !== undefined) return fonts;
  try {
    const [regular, bold] = ['', ':bold'].map((style) =>
      execFileSync('fc-match', ['-f', '%{file}', `DejaVu Sans${style}`], { encoding: 'utf8', timeout: 5000 }).trim(),
    );
    const ok = [regular, bold].every((f) => /dejavusans.*\.ttf$/i.test(f.replace(/[^a-z.]/gi, '')) && fs.existsSync(f));
    fonts = ok ? { regular: fs.readFileSync(regular), bold: fs.readFileSync(bold) } : null;
  } catch {
    fonts = null;
  }
  return fonts;
}

type Doc = PDFKit.PDFDocument;

interface Column {
  title: string;
  width: number;
}

class Writer {
  readonly doc: Doc;
  private readonly regular: string;
  private readonly bold: string;

  constructor(title: string, createdAt: Date) {
    this.doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      info: {
        Title: title,
        Creator: 'Trellis',
        Producer: 'Trellis (pdfkit)',
        CreationDate: createdAt,
        ModDate: createdAt,
      },
    });
    const files = fontFiles();
    if (files) {
      this.doc.registerFont('body', files.regular);
      this.doc.registerFont('bold', files.bold);
    }
    this.regular = files ? 'body' : 'Helvetica';
    this.bold = files ? 'bold' : 'Helvetica-Bold';
    this.doc.font(this.regular);
  }

  get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }

  private bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** A new page unless `height` points still fit on this one. */
  room(height: number): void {
    if (this.doc.y + height > this.bottom()) this.doc.addPage();
  }

  heading(text: string): void {
    this.room(60);
    this.doc.moveDown(0.8).font(this.bold).fontSize(14).fillColor('black').text(text, MARGIN);
    this.doc.moveDown(0.3).font(this.regular).fontSize(10);
  }

  para(text: string, options: { size?: number; colour?: string; bold?: boolean } = {}): void {
    this.doc
      .font(options.bold ? this.bold : this.regular)
      .fontSize(options.size ?? 10)
      .fillColor(options.colour ?? 'black')
      .text(text, MARGIN, undefined, { width: this.width });
    this.doc.font(this.regular).fontSize(10).fillColor('black');
  }

  fields(fields: readonly Field[]): void {
    for (const f of fields) {
      this.room(14);
      const y = this.doc.y;
      this.doc.font(this.bold).fontSize(10).text(f.label, MARGIN, y, { width: 130 });
      const after = this.doc.y;
      this.doc.font(this.regular).text(f.value, MARGIN + 135, y, { width: this.width - 135 });
      this.doc.y = Math.max(after, this.doc.y) + 2;
    }
  }

  table(columns: readonly Column[], rows: readonly string[][]): void {
    const size = 9;
    const header = () => {
      this.drawRow(
        columns,
        columns.map((c) => c.title),
        size,
        true,
      );
      this.doc
        .moveTo(MARGIN, this.doc.y)
        .lineTo(MARGIN + this.width, this.doc.y)
        .strokeColor(GREY)
        .lineWidth(0.5)
        .stroke();
      this.doc.y += 2;
    };
    this.room(40);
    header();
    for (const row of rows) {
      this.doc.font(this.regular).fontSize(size);
      // One line unless a cell is wider than its column (widthOfString is far cheaper than laying the text out).
      const line = this.doc.currentLineHeight(true);
      const height = Math.max(
        ...row.map((cell, i) =>
          this.doc.widthOfString(cell) <= columns[i].width - 4
            ? line
            : this.doc.heightOfString(cell, { width: columns[i].width - 4 }),
        ),
      );
      if (this.doc.y + height + 2 > this.bottom()) {
        this.doc.addPage();
        header();
      }
      this.drawRow(columns, row, size, false);
    }
    this.doc.x = MARGIN;
    this.doc.fontSize(10);
  }

  private drawRow(columns: readonly Column[], cells: readonly string[], size: number, bold: boolean): void {
    const y = this.doc.y;
    let x = MARGIN;
    let lowest = y;
    this.doc
      .font(bold ? this.bold : this.regular)
      .fontSize(size)
      .fillColor('black');
    cells.forEach((cell, i) => {
      this.doc.text(cell, x, y, { width: columns[i].width - 4 });
      lowest = Math.max(lowest, this.doc.y);
      x += columns[i].width;
    });
    this.doc.y = lowest + 2;
  }

  /** Self beside mentor per rated session: the calibration chart's two lines, drawn as vectors to the page width. */
  chart(chart: CalibrationChartData): void {
    const { doc } = this;
    const height = 190;
    this.room(height + 60);
    this.para(chart.title, { bold: true });
    const top = doc.y + 8;
    const left = MARGIN + 28;
    const plotWidth = this.width - 36;
    const plotHeight = height - 40;
    const yOf = (v: number) => top + plotHeight - ((v - 1) / 4) * plotHeight;
    const n = chart.points.length;
    const xOf = (i: number) => left + (n === 1 ? plotWidth / 2 : (i / (n - 1)) * (plotWidth - 20) + 10);
    doc.font(this.regular).fontSize(8).fillColor(GREY);
    for (let v = 1; v <= 5; v++) {
      doc
        .moveTo(left, yOf(v))
        .lineTo(left + plotWidth, yOf(v))
        .strokeColor('#dddddd')
        .lineWidth(0.5)
        .stroke();
      doc.text(String(v), MARGIN, yOf(v) - 4, { width: 20, align: 'right', lineBreak: false });
    }
    chart.points.forEach((p, i) => {
      // Centred under its point, kept inside the plot at either end.
      const x = Math.min(Math.max(xOf(i) - 30, left), left + plotWidth - 60);
      doc.text(p.label, x, top + plotHeight + 6, { width: 60, align: 'center', lineBreak: false });
    });
    const line = (values: readonly (number | null)[], colour: string) => {
      const points = values.flatMap((v, i) => (v === null ? [] : [[xOf(i), yOf(v)] as const]));
      if (points.length > 1) {
        doc.moveTo(points[0][0], points[0][1]);
        for (const [x, y] of points.slice(1)) doc.lineTo(x, y);
        doc.strokeColor(colour).lineWidth(2).stroke();
      }
      for (const [x, y] of points) doc.circle(x, y, 3).fillColor(colour).fill();
    };
    line(
      chart.points.map((p) => p.self),
      SELF_COLOUR,
    );
    line(
      chart.points.map((p) => p.mentor),
      MENTOR_COLOUR,
    );
    const legendY = top + plotHeight + 22;
    doc.rect(left, legendY, 10, 10).fillColor(SELF_COLOUR).fill();
    doc
      .fillColor('black')
      .fontSize(9)
      .text('You', left + 14, legendY, { lineBreak: false });
    doc
      .rect(left + 60, legendY, 10, 10)
      .fillColor(MENTOR_COLOUR)
      .fill();
    doc.fillColor('black').text('Mentor', left + 74, legendY, { lineBreak: false });
    doc.x = MARGIN;
    doc.y = legendY + 18;
    doc.fontSize(10);
  }

  /** The whole file, read synchronously: pdfkit has written every byte by the time `end()` returns. */
  finish(): Uint8Array {
    this.doc.end();
    const chunks: Buffer[] = [];
    for (let chunk = this.doc.read(); chunk !== null; chunk = this.doc.read()) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }
}

const OBSERVED_SHORT: Record<Observation, string> = { observed: 'yes', partly: 'partly', not_observed: 'no' };
const kindOf = (participants: number) => (participants > 1 ? `group of ${participants}` : 'individual');

/** The portfolio as a PDF file's bytes. */
export function portfolioPdf(data: PortfolioData, createdAt: Date): Uint8Array {
  const w = new Writer(`Coaching portfolio: ${data.coachName}`, createdAt);
  const req = REQUIREMENTS;
  w.para('Coaching portfolio', { size: 22, bold: true });
  w.para(data.coachName, { size: 14 });
  w.doc.moveDown(0.5);
  w.fields([
    { label: 'Period', value: periodText(data.period) },
    { label: 'Made on', value: `${data.madeOn}, with Trellis` },
    {
      label: 'Rubric',
      value: `version ${data.rubricVersion} (markers 4.1–4.4, the six behaviours of trust and safety)`,
    },
    { label: 'Requirements', value: `ICF requirements ${req.version}, checked ${req.checked}` },
  ]);

  const log = logMessage({
    target: data.target,
    totals: data.totals,
    mentoring: data.mentoringToEnd,
    today: data.period.to,
  });
  const fields = log.fields ?? [];
  const paid = data.sessions.filter((s) => s.paid).reduce((n, s) => n + s.minutes, 0);
  const all = data.sessions.reduce((n, s) => n + s.minutes, 0);
  const clients = new Set(data.sessions.map((s) => normaliseClientCode(s.clientCode))).size;
  w.heading('Coaching log');
  w.para(
    `In this period: ${data.sessions.length} session${data.sessions.length === 1 ? '' : 's'}, ${hours(all)} in all (${hours(paid)} paid, ${hours(all - paid)} pro bono), ${clients} distinct client${clients === 1 ? '' : 's'}.`,
  );
  w.doc.moveDown(0.4);
  w.para(`Against ${data.target}, counting every session logged up to ${data.period.to}:`, { bold: true });
  w.fields(fields.slice(0, 5));
  if (data.sessions.length) {
    w.doc.moveDown(0.5);
    w.table(
      [
        { title: 'Date', width: 75 },
        { title: 'Session', width: 55 },
        { title: 'Client code', width: 110 },
        { title: 'Minutes', width: 55 },
        { title: 'Paid / pro bono', width: 90 },
        { title: 'Individual / group', width: 110 },
      ],
      data.sessions.map((s) => [
        s.date,
        String(s.id),
        s.clientCode,
        String(s.minutes),
        s.paid ? 'paid' : 'pro bono',
        kindOf(s.participants),
      ]),
    );
  }

  w.heading('Mentor coaching');
  w.para(
    `ICF asks for ${req.mentoring.hours} hours of mentor coaching over at least ${req.mentoring.minSpanMonths} months, at least ${req.mentoring.oneToOneHours} of them one-to-one, in groups of at most ${req.mentoring.maxGroupSize}. Counting every meeting logged up to ${data.period.to}:`,
  );
  w.fields(fields.slice(5));
  if (data.mentoring.length) {
    w.doc.moveDown(0.5);
    w.table(
      [
        { title: 'Date', width: 75 },
        { title: 'Mentor', width: 140 },
        { title: 'Minutes', width: 60 },
        { title: 'One-to-one / group', width: 120 },
        { title: 'Counted', width: 100 },
      ],
      data.mentoring.map((l) => [
        l.date,
        l.mentorName ?? '',
        String(l.minutes),
        l.groupSize === 1 ? 'one-to-one' : `group of ${l.groupSize}`,
        l.groupSize <= req.mentoring.maxGroupSize ? 'yes' : 'no (group too large)',
      ]),
    );
  } else w.para('No mentor coaching logged in this period.', { colour: GREY });

  w.heading('Markers over time: your ratings and your mentors’');
  w.para(
    MARKER_IDS.map((id) => `${id} ${marker(id).short}`).join(' · ') +
      '. Each marker as observed (yes), partly or not observed (no); "Mean" is the mean rating of the six behaviours (1–5).',
    { size: 9, colour: GREY },
  );
  if (data.ratings.length) {
    w.doc.moveDown(0.3);
    w.table(
      [
        { title: 'Date', width: 70 },
        { title: 'Session', width: 50 },
        { title: 'Rated by', width: 115 },
        ...MARKER_IDS.map((id) => ({ title: id, width: 50 })),
        { title: 'Mean', width: 60 },
      ],
      data.ratings.map((r) => [
        r.date,
        String(r.sessionId),
        r.who,
        ...MARKER_IDS.map((id) => {
          const o = r.markers[id];
          return o ? OBSERVED_SHORT[o] : '–';
        }),
        r.behaviourMean === null ? '–' : r.behaviourMean.toFixed(1),
      ]),
    );
  } else w.para('No marker ratings in this period.', { colour: GREY });
  if (data.chart) {
    w.doc.moveDown(0.8);
    w.chart(data.chart);
  }

  w.heading('Mentors’ comments');
  if (data.comments.length === 0) w.para('No mentor commented on a session in this period.', { colour: GREY });
  for (const c of data.comments) {
    w.room(40);
    w.para(`Session ${c.sessionId}, ${c.date}: ${c.mentor}`, { bold: true });
    w.para(c.comment);
    w.doc.moveDown(0.4);
  }

  w.heading('Reflections');
  if (data.reflections.length === 0)
    w.para('No reflection ticked for this period ("/selfcheck portfolio reflections" lists them to tick).', {
      colour: GREY,
    });
  for (const r of data.reflections) {
    w.room(40);
    w.para(`${r.localDate} (reflection ${r.id})`, { bold: true });
    w.para(r.text);
    w.doc.moveDown(0.4);
  }
  if (data.picksOutside > 0)
    w.para(`${data.picksOutside} ticked reflection${data.picksOutside === 1 ? ' is' : 's are'} outside this period.`, {
      size: 9,
      colour: GREY,
    });
  w.doc.moveDown(1);
  w.para(
    "Client codes are the coach's own; Trellis holds no client's name or contact details. Marker and behaviour ratings are the coach's and their mentors' own judgements, not an assessment by ICF.",
    { size: 8, colour: GREY },
  );
  return w.finish();
}
