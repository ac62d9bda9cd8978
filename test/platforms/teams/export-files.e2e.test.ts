import type { ExportFileKind } from '../../../src/core/privacy';
import { activityText } from '../../helpers/fake-bot-connector';
import { addCheck, ratings } from '../../helpers/weekly';
import {
  attachmentsOf,
  CONSENT,
  type ConsentAttachment,
  consentOf,
  FILE_INFO,
  refOf,
  useTeamsWithUploads,
} from './file-consent';
import { fileConsentInvoke, TENANT } from './harness';

const NOTE = 'NOTE-MARKER-7c1d kept her pace';

/** Export in Teams through the file-consent flow: real activities over HTTP, a fake connector and upload URL. */
describe('Teams: export files by file consent', () => {
  const t = useTeamsWithUploads('2027-01-08T12:00:00Z');
  const { say } = t;

  /** Types "export" and returns the consent cards that follow the export's message, by file kind. */
  async function exportCards(user: string): Promise<Map<string, ConsentAttachment>> {
    t.connector.clear();
    expect((await say(user, 'export')).status).toBe(200);
    const cards = t.connector
      .activities()
      .map(consentOf)
      .filter((c) => c !== undefined);
    return new Map(cards.map((c) => [(c.content.acceptContext as { file: string }).file, c]));
  }

  let uploadNo = 0;
  const uploadInfo = (name: string, uploadUrl = `${t.uploads.url}session/${++uploadNo}?tempauth=SECRET-TOKEN-9f`) => ({
    name,
    uploadUrl,
    contentUrl: `https://contoso-my.sharepoint.com/personal/coach/Documents/Applications/Trellis/${name}`,
    uniqueId: `unique-${uploadNo}`,
    fileType: name.split('.').pop(),
  });
  const accept = (user: string, card: ConsentAttachment, info = uploadInfo(card.name)) =>
    t.teams.post(
      fileConsentInvoke(t.connector.url, user, {
        type: 'fileUpload',
        action: 'accept',
        context: card.content.acceptContext,
        uploadInfo: info,
      }),
    );
  const exportAudits = (user: string) => {
    const coach = t.teams.app.repos.coaches.find(refOf(user));
    return coach ? t.teams.app.repos.privacy.auditFor(coach.id).filter((a) => a.action === 'export') : [];
  };
  /** What the core builds for this coach and file now: the bytes an upload must carry. */
  const built = (user: string, kind: ExportFileKind) =>
    Buffer.from(t.teams.app.trellis.exportFile(refOf(user), kind)!.file.content, 'utf8');

  test('export: its message, then one consent card per file with its size; context names the file only', async () => {
    await say('ana', `selfcheck 4 3 5 4 4 2 ${NOTE}`);
    const cards = await exportCards('ana');
    const sent = t.connector.activities();
    expect(sent.every((c) => c.conversationId === 'a:personal-ana')).toBe(true);
    expect(activityText(sent[0].body)).toContain('Your export');
    expect(activityText(sent[0].body)).toContain('1 self-check');
    expect(activityText(sent[0].body)).toContain('allow each file');
    expect(sent).toHaveLength(6);

    expect([...cards.keys()]).toEqual(['export', 'self-checks', 'reflections', 'prompts', 'settings']);
    for (const [kind, card] of cards) {
      expect(card.contentType).toBe(CONSENT);
      expect(card.name).toMatch(kind === 'export' ? /^trellis-export-2027-01-08\.json$/ : /^trellis-.*\.csv$/);
      expect(card.content.sizeInBytes).toBe(built('ana', kind as ExportFileKind).length);
      expect(card.content.acceptContext).toEqual({
        kind: 'trellis-export',
        file: kind,
        tenant: TENANT,
        user: 'aad-ana',
      });
      expect(card.content.declineContext).toEqual(card.content.acceptContext);
      expect(card.content.description.length).toBeGreaterThan(10);
    }
    // The cards carry no file content, and nothing was delivered yet, so nothing is audited.
    expect(JSON.stringify(sent.slice(1).map((c) => c.body))).not.toContain('NOTE-MARKER');
    expect(exportAudits('ana')).toEqual([]);
    expect(t.teams.logLines.join('\n')).not.toContain('NOTE-MARKER');
  });

  test('accept: the exact bytes are PUT with Content-Range, then a FileInfoCard; one audit row per file', async () => {
    await say('ana', `selfcheck 4 3 5 4 4 2 ${NOTE}`);
    const cards = await exportCards('ana');
    t.connector.clear();

    for (const kind of ['export', 'self-checks'] as const) {
      const card = cards.get(kind)!;
      const info = uploadInfo(card.name);
      const res = await accept('ana', card, info);
      expect(res.status).toBe(200);

      const put = t.uploads.calls[t.uploads.calls.length - 1];
      const expected = built('ana', kind);
      expect(put.method).toBe('PUT');
      expect(put.path).toBe(new URL(info.uploadUrl).pathname + new URL(info.uploadUrl).search);
      expect(put.body.equals(expected)).toBe(true);
      expect(put.headers['content-length']).toBe(String(expected.length));
      expect(put.headers['content-range']).toBe(`bytes 0-${expected.length - 1}/${expected.length}`);
      expect(put.body.toString('utf8')).toContain(NOTE);

      const [confirmation] = t.connector.activities().slice(-1);
      expect(confirmation.conversationId).toBe('a:personal-ana');
      expect(activityText(confirmation.body)).toContain(`${card.name} is in your OneDrive`);
      expect(attachmentsOf(confirmation)).toEqual([
        {
          contentType: FILE_INFO,
          contentUrl: info.contentUrl,
          name: info.name,
          content: { uniqueId: info.uniqueId, fileType: info.fileType },
        },
      ]);
    }
    expect(JSON.parse(t.uploads.calls[0].body.toString('utf8')).selfChecks[0].note).toBe(NOTE);
    expect(t.uploads.calls).toHaveLength(2);

    const coach = t.teams.app.repos.coaches.find(refOf('ana'))!;
    const checkIds = t.teams.app.repos.selfChecks.recent(coach.id, 10).map((c) => c.id);
    expect(exportAudits('ana').map((a) => a.objectIds)).toEqual([
      { file: 'export', selfChecks: checkIds, reflections: [], promptIssues: [] },
      { file: 'self-checks', selfChecks: checkIds },
    ]);
    const log = t.teams.logLines.join('\n');
    expect(log).toContain('teams: export file delivered');
    expect(log).not.toContain('NOTE-MARKER');
    expect(log).not.toContain('SECRET-TOKEN');
  });

  test('decline: a short answer, nothing uploaded, nothing audited', async () => {
    await say('bo', 'selfcheck 3 3 3 3 3 3 private words');
    const card = (await exportCards('bo')).get('reflections')!;
    t.connector.clear();
    const res = await t.teams.post(
      fileConsentInvoke(t.connector.url, 'bo', {
        type: 'fileUpload',
        action: 'decline',
        context: card.content.declineContext,
      }),
    );
    expect(res.status).toBe(200);
    expect(activityText(t.connector.activities()[0].body)).toContain('your data stays where it was');
    expect(t.uploads.calls).toEqual([]);
    expect(exportAudits('bo')).toEqual([]);
  });

  test("another user's accept of a coach's card is refused: no upload, no file, no audit", async () => {
    await say('ana', `selfcheck 4 3 5 4 4 2 ${NOTE}`);
    await say('eve', 'selfcheck 1 1 1 1 1 1');
    const card = (await exportCards('ana')).get('self-checks')!;
    t.connector.clear();
    const res = await accept('eve', card);
    expect(res.status).toBe(403);
    expect(t.uploads.calls).toEqual([]);
    const [reply] = t.connector.activities();
    expect(reply.conversationId).toBe('a:personal-eve');
    expect(activityText(reply.body)).toContain('someone else');
    expect(attachmentsOf(reply)).toEqual([]);
    expect(exportAudits('ana')).toEqual([]);
    expect(exportAudits('eve')).toEqual([]);
  });

  test('an upload answered 500, or not at all in time, is told clearly; the log has ids and status only', async () => {
    await say('cy', `selfcheck 2 2 2 2 2 2 ${NOTE}`);
    const card = (await exportCards('cy')).get('export')!;
    t.connector.clear();

    t.uploads.failNext(500);
    const failed = await accept('cy', card);
    expect(failed.status).toBe(200);
    expect(t.uploads.calls).toHaveLength(1);
    const text = activityText(t.connector.activities()[0].body);
    expect(text).toContain(`could not save ${card.name} to your OneDrive`);
    expect(text).toContain('export');
    expect(attachmentsOf(t.connector.activities()[0])).toEqual([]);

    t.uploads.hangNext();
    const timedOut = await accept('cy', card);
    expect(timedOut.status).toBe(200);
    expect(activityText(t.connector.activities()[1].body)).toContain('could not save');
    expect(exportAudits('cy')).toEqual([]);

    const warnings = t.teams.logLines
      .filter((l) => l.includes('teams: export upload failed'))
      .map((l) => JSON.parse(l));
    expect(warnings).toEqual([
      expect.objectContaining({ file: 'export', uniqueId: expect.any(String), status: 500, reason: 'status' }),
      expect.objectContaining({ file: 'export', reason: 'timeout' }),
    ]);
    const log = t.teams.logLines.join('\n');
    expect(log).not.toContain('NOTE-MARKER');
    expect(log).not.toContain('SECRET-TOKEN');
    expect(log).not.toContain(t.uploads.url);

    // The next try goes through.
    expect((await accept('cy', card)).status).toBe(200);
    expect(exportAudits('cy')).toHaveLength(1);
  });

  test('malformed consent answers are refused with 400 and a clear reply; nothing is uploaded', async () => {
    await say('di', 'selfcheck 4 4 4 4 4 4');
    const card = (await exportCards('di')).get('settings')!;
    const context = card.content.acceptContext as Record<string, unknown>;
    const info = uploadInfo(card.name);
    const values: unknown[] = [
      undefined,
      'accept',
      { type: 'fileUpload', action: 'accept', context },
      { type: 'fileUpload', action: 'accept', context, uploadInfo: { ...info, uploadUrl: undefined } },
      { type: 'fileDownload', action: 'accept', context, uploadInfo: info },
      { type: 'fileUpload', action: 'maybe', context, uploadInfo: info },
      { type: 'fileUpload', action: 'accept', context: { ...context, file: 'passwords' }, uploadInfo: info },
      { type: 'fileUpload', action: 'accept', context: { ...context, content: 'smuggled' }, uploadInfo: info },
      { type: 'fileUpload', action: 'accept', context: { filename: card.name }, uploadInfo: info },
    ];
    for (const value of values) {
      t.connector.clear();
      const res = await t.teams.post(fileConsentInvoke(t.connector.url, 'di', value));
      expect(res.status).toBe(400);
      expect(activityText(t.connector.activities()[0].body)).toContain('could not read your answer');
    }
    expect(t.uploads.calls).toEqual([]);
    // The server keeps serving: the well-formed answer works.
    expect((await accept('di', card, info)).status).toBe(200);
    expect(t.uploads.calls).toHaveLength(1);
  });

  test('an upload URL that is not https (or http to loopback) is refused before anything is sent', async () => {
    await say('ed', `selfcheck 4 4 4 4 4 4 ${NOTE}`);
    const card = (await exportCards('ed')).get('self-checks')!;
    const port = new URL(t.uploads.url).port;
    for (const url of [
      `http://uploads.contoso.example/session/1`,
      `http://127.0.0.2:${port}/session/1`,
      `ftp://127.0.0.1:${port}/session/1`,
      `https://user:pass@contoso.example/session/1`,
      'not a url',
    ]) {
      t.connector.clear();
      const res = await accept('ed', card, uploadInfo(card.name, url));
      expect(res.status).toBe(400);
      expect(activityText(t.connector.activities()[0].body)).toContain('upload address I cannot trust');
    }
    expect(t.uploads.calls).toEqual([]);
    expect(exportAudits('ed')).toEqual([]);
  });

  test('a coach who deleted their data since is told there is nothing to send', async () => {
    await say('fa', 'selfcheck 4 4 4 4 4 4');
    const card = (await exportCards('fa')).get('export')!;
    await say('fa', 'delete confirm');
    t.connector.clear();
    expect((await accept('fa', card)).status).toBe(200);
    expect(activityText(t.connector.activities()[0].body)).toContain('nothing about you');
    expect(t.uploads.calls).toEqual([]);
  });

  test('a long-time coach: 2,000 check-ins with long notes arrive whole', async () => {
    await say('gu', 'selfcheck 4 4 4 4 4 4');
    const coach = t.teams.app.repos.coaches.find(refOf('gu'))!;
    const day = (i: number) => new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    t.teams.app.db.transaction(() => {
      for (let i = 0; i < 2000; i++) {
        addCheck(
          t.teams.app.repos,
          coach,
          day(i),
          ratings(((i % 5) + 1) as 1),
          `note ${i}: ${'é, "quoted" '.repeat(40)}`,
        );
      }
    })();
    const cards = await exportCards('gu');
    for (const kind of ['self-checks', 'export'] as const) {
      const card = cards.get(kind)!;
      expect(card.content.sizeInBytes).toBeGreaterThan(500_000);
      expect((await accept('gu', card)).status).toBe(200);
      const put = t.uploads.calls[t.uploads.calls.length - 1];
      expect(put.body.length).toBe(card.content.sizeInBytes);
      expect(put.body.equals(built('gu', kind))).toBe(true);
      expect(put.headers['content-range']).toBe(`bytes 0-${put.body.length - 1}/${put.body.length}`);
    }
    const csv = t.uploads.calls[0].body.toString('utf8');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(1 + 2001);
    expect(csv).toContain('note 1999: ');
    expect(JSON.parse(t.uploads.calls[1].body.toString('utf8')).selfChecks).toHaveLength(2001);
  });
});
