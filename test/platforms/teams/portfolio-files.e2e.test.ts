import { activityText } from '../../helpers/fake-bot-connector';
import { pdfText } from '../../helpers/pdf-text';
import { consentOf, refOf, useTeamsWithUploads } from './file-consent';
import { fileConsentInvoke, TENANT } from './harness';

/** A portfolio in Teams: a consent card per file carrying its period; Allow rebuilds that period's file, audited. */
describe('Teams: portfolio files by file consent', () => {
  const t = useTeamsWithUploads('2026-11-24T12:00:00Z');
  const { say } = t;

  test('the cards carry the period; Allow PUTs the PDF of that period, audited per file with ids only', async () => {
    await say('ana', 'selfcheck session 60 paid C17 2026-03-02');
    await say('ana', 'selfcheck session 45 probono Q9 2026-09-10');
    t.connector.clear();
    expect((await say('ana', 'selfcheck portfolio 2026-01 2026-06')).status).toBe(200);
    const sent = t.connector.activities();
    expect(activityText(sent[0].body)).toContain('Your portfolio for 2026-01-01 to 2026-06-30: 1 session');
    const cards = sent.map(consentOf).filter((c) => c !== undefined);
    expect(cards.map((c) => c.name)).toEqual([
      'trellis-portfolio-2026-01-01-2026-06-30.pdf',
      'trellis-coaching-log-2026-01-01-2026-06-30.csv',
      'trellis-mentoring-log-2026-01-01-2026-06-30.csv',
    ]);
    const pdfCard = cards[0];
    expect(pdfCard.content.acceptContext).toEqual({
      kind: 'trellis-portfolio',
      file: 'portfolio-pdf',
      period: { from: '2026-01-01', to: '2026-06-30' },
      tenant: TENANT,
      user: 'aad-ana',
    });
    const coach = t.teams.app.repos.coaches.find(refOf('ana'))!;
    const audits = () => t.teams.app.repos.privacy.auditFor(coach.id).filter((a) => a.action === 'export');
    // Offered, not delivered: nothing audited yet.
    expect(audits()).toEqual([]);

    // A session logged in between is in the rebuilt file when it falls in the period.
    await say('ana', 'selfcheck session 30 paid K4 2026-04-01');
    const res = await t.teams.post(
      fileConsentInvoke(t.connector.url, 'ana', {
        type: 'fileUpload',
        action: 'accept',
        context: pdfCard.content.acceptContext,
        uploadInfo: {
          name: pdfCard.name,
          uploadUrl: `${t.uploads.url}session/1?tempauth=SECRET-TOKEN-1`,
          contentUrl: `https://contoso-my.sharepoint.com/personal/ana/${pdfCard.name}`,
          uniqueId: 'unique-1',
          fileType: 'pdf',
        },
      }),
    );
    expect(res.status).toBe(200);
    expect(t.uploads.calls).toHaveLength(1);
    const { text } = pdfText(t.uploads.calls[0].body);
    expect(text).toContain('2026-01-01 to 2026-06-30');
    expect(text).toContain('C17');
    expect(text).toContain('K4');
    expect(text).not.toContain('Q9');
    expect(audits().map((a) => a.objectIds)).toEqual([
      { file: 'portfolio-pdf', from: '2026-01-01', to: '2026-06-30', sessions: [1, 3], mentoring: [], reflections: [] },
    ]);
    const log = t.teams.logLines.join('\n');
    expect(log).toContain('portfolio file delivered');
    expect(log).not.toContain('C17');
    expect(log).not.toContain('SECRET-TOKEN');
  });

  test('Decline sends nothing, audits nothing, and says how to get the cards again', async () => {
    await say('bo', 'selfcheck session 60 paid C1 2026-03-02');
    t.connector.clear();
    await say('bo', 'selfcheck portfolio');
    const card = t.connector.activities().map(consentOf).find(Boolean)!;
    t.connector.clear();
    const res = await t.teams.post(
      fileConsentInvoke(t.connector.url, 'bo', {
        type: 'fileUpload',
        action: 'decline',
        context: card.content.acceptContext,
      }),
    );
    expect(res.status).toBe(200);
    expect(t.uploads.calls).toEqual([]);
    expect(activityText(t.connector.activities()[0].body)).toContain('/selfcheck portfolio');
    const coach = t.teams.app.repos.coaches.find(refOf('bo'))!;
    expect(t.teams.app.repos.privacy.auditFor(coach.id).filter((a) => a.action === 'export')).toEqual([]);
  });
});
