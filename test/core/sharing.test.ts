import { clientDetailWarnings, parseCompanyList, sharePreview } from '../../src/core/sharing';

const kinds = (text: string, companies: string[] = []) =>
  clientDetailWarnings(text, companies).map((w) => `${w.kind}:${w.found}`);

describe('client-detail warnings before sharing', () => {
  test.each([
    ['My client Maria went quiet.', ['client_name:Maria']],
    ['my coachee, Tom Baker, said no.', ['client_name:Tom Baker']],
    ["The client's partner Sam; client Jo-Anne O'Neil agreed.", ["client_name:Jo-Anne O'Neil", 'first_name:Sam']],
    ['Coachee named Priya asked for a pause.', ['client_name:Priya']],
    ['Mentees Ana and Luis both hesitated.', ['client_name:Ana', 'first_name:Luis']],
  ])('a name after "client"/"coachee": %s', (text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });

  test('emails, phone numbers and @mentions', () => {
    expect(kinds('She wrote from dana.k@example.org afterwards.')).toEqual(['email:dana.k@example.org']);
    expect(kinds('Call back on +44 7700 900123 or (212) 555-0142.')).toEqual([
      'phone:+44 7700 900123',
      'phone:(212) 555-0142',
    ]);
    expect(kinds('Talked it through with @jordan and <@U024BE7LH>.')).toEqual([
      'mention:@jordan',
      'mention:<@U024BE7LH>',
    ]);
  });

  test('company names the coach listed, whole words, any case', () => {
    expect(kinds('The GLOBEX reorg came up again.', ['Globex', 'Initech'])).toEqual(['company:GLOBEX']);
    expect(kinds('The Globexian is not Globex Corp.', ['Globex Corp'])).toEqual(['company:Globex Corp']);
    expect(kinds('The Globexian culture.', ['Globex'])).toEqual([]);
  });

  test('ordinary reflections raise nothing: lower-case words, dates, times, ratings, "my client I"', () => {
    for (const text of [
      'My client said she felt unheard; I slowed down and asked what mattered most.',
      'On 2026-11-24 at 09:30 I rated myself 4 3 5 4 4 2.',
      'The client I saw on Tuesday was tired. When my coachee The... no.',
      'I noticed a pause of 20 seconds and waited.',
    ]) {
      expect(kinds(text)).toEqual([]);
    }
  });

  test('the preview warns and labels the button "Share anyway"; without warnings it is a plain Share', () => {
    const warned = sharePreview({ id: 7, text: 'client Maria' }, ['#peers'], clientDetailWarnings('client Maria'));
    expect(warned.lines.join(' ')).toContain('this may identify a client');
    expect(warned.buttons?.[0]).toEqual({ action: 'share', label: 'Share anyway', value: '7', style: 'danger' });
    const clean = sharePreview({ id: 8, text: 'a quiet moment' }, ['#peers'], []);
    expect(clean.lines.join(' ')).not.toContain('identify');
    expect(clean.buttons?.[0]).toMatchObject({ action: 'share', label: 'Share', value: '8' });
  });

  test('company lists: commas or semicolons, trimmed, de-duplicated; "none" clears', () => {
    expect(parseCompanyList(' Acme,  Globex Ltd; acme ,Initech ')).toEqual(['Acme', 'Globex Ltd', 'Initech']);
    expect(parseCompanyList('none')).toEqual([]);
  });
});
