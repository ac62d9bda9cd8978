import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_PROMPTS_DIR } from '../../src/catalog';
import type { ShareWarning } from '../../src/core/sharing';
import { clientDetailWarnings, describeWarning, sharePreview } from '../../src/core/sharing';

/** Sentences a coach might write that could point to a client, each with the kind of warning it must raise. */
const MUST_WARN: [string, ShareWarning['kind'], string][] = [
  ['Tom said he was not ready to talk about it.', 'first_name', 'Tom'],
  ["Maria's manager keeps cancelling their one-to-ones.", 'first_name', 'Maria'],
  ['Priya went quiet when I asked about the promotion.', 'first_name', 'Priya'],
  ['I waited. Kwame then told me what had really happened.', 'first_name', 'Kwame'],
  ['We met again and Olusegun’s voice changed when the board came up.', 'first_name', 'Olusegun'],
  ['Halfway through, I checked in with Chen about how safe it felt.', 'first_name', 'Chen'],
  ['Dagny Larsen asked whether this stays between us.', 'first_name', 'Dagny Larsen'],
  ['It was a hard session for Sophie.', 'first_name', 'Sophie'],
  ['my coachee tom cried for the first time.', 'lowercase_name', 'tom'],
  ['client maria asked to pause the work.', 'lowercase_name', 'maria'],
  ['My client, jamal, wanted more challenge.', 'lowercase_name', 'jamal'],
  ['Mentee priya named the fear out loud.', 'lowercase_name', 'priya'],
  ['She is the CFO at Globex and feels isolated.', 'role_at_organisation', 'CFO at Globex'],
  ['He was recently made head of sales at Acme Ltd.', 'role_at_organisation', 'head of sales at Acme Ltd'],
  ['As a partner at a law firm in Leeds she has little time.', 'role_at_organisation', 'partner at a law firm'],
  ['The founder of Brightwave wanted to talk about succession.', 'role_at_organisation', 'founder of Brightwave'],
  ['A director from Northwind joined late.', 'role_at_organisation', 'director from Northwind'],
  ['The VP of Initech keeps second-guessing her team.', 'role_at_organisation', 'VP of Initech'],
  ['My coachee is a manager at the local council.', 'role_at_organisation', 'manager at the local council'],
  ['She is 52 and worried about being overlooked.', 'age', 'She is 52'],
  ['A 34-year-old engineer, new to leading people.', 'age', '34-year-old'],
  ['He is in his forties and changing career.', 'age', 'in his forties'],
  ['Aged 60, she wants one more big role.', 'age', 'Aged 60'],
  ['They turned 30 last week and it shook them.', 'age', 'turned 30'],
  ['In her late twenties she was already running a team.', 'age', 'In her late twenties'],
  ['The divorce is taking everything out of him.', 'health_or_family', 'divorce'],
  ['She told me she is pregnant and has not told work.', 'health_or_family', 'pregnant'],
  ['After the cancer diagnosis, work feels pointless to her.', 'health_or_family', 'cancer'],
  ['We talked about the miscarriage for the first time.', 'health_or_family', 'miscarriage'],
  ['The chemo leaves him exhausted on Mondays.', 'health_or_family', 'chemo'],
  ['He mentioned his depression and I slowed right down.', 'health_or_family', 'depression'],
  ['Her bereavement came up again.', 'health_or_family', 'bereavement'],
  ['The IVF round failed and she came straight to our call.', 'health_or_family', 'IVF'],
  ['He is just back from rehab and nervous about the team.', 'health_or_family', 'rehab'],
  ['The custody hearing is next week.', 'health_or_family', 'custody'],
  ['The Manchester office is being closed.', 'place', 'Manchester'],
  ['Our Berlin team is half the size it was.', 'place', 'Berlin'],
  ['She moved to a new job in Leeds.', 'place', 'Leeds'],
  ['The Northside branch has had three managers this year.', 'place', 'The Northside branch'],
  ['He commutes to São Paulo twice a month.', 'place', 'São Paulo'],
  ['They want to relocate the whole thing to New York.', 'place', 'New York'],
  ['The Riverside site is where the accident happened.', 'place', 'The Riverside site'],
  ['When Dave spoke up I paused.', 'first_name', 'Dave'],
  ['I coach the COO of a fintech startup.', 'role_at_organisation', 'COO of a fintech startup'],
  ['The principal of Hillside School asked for help.', 'role_at_organisation', 'principal of Hillside School'],
  ['In her mid-40s and starting over.', 'age', 'In her mid-40s'],
  ['His father passed away in May.', 'health_or_family', 'passed away'],
  ['She flew in from Singapore for it.', 'place', 'Singapore'],
];

/** Typical reflections that name nobody: none of these may warn. */
const HARMLESS = [
  'I let the silence sit and waited.',
  'Today I noticed I was rushing to fill the pause.',
  'When the client went quiet, I stayed with it instead of jumping in.',
  'Monday: I asked permission before going into the harder topic.',
  'Slowed down and let the silence do some work.',
  'Caught myself steering towards my own idea.',
  'Asked permission before going into the family topic.',
  'Session on video; harder to read the pauses.',
  'Named what I noticed and checked it landed.',
  'My client said she felt unheard; I slowed down and asked what mattered most.',
  'Honestly, I was more nervous than my client.',
  'Next time I want to check in earlier about how safe it feels.',
  'Listening without planning my next question was hard today.',
  'I shared a little of my own experience and it seemed to help.',
  'The client I saw on Tuesday was tired, so we went slowly.',
  'Respect for their language matters: I used their words back to them.',
  'Openness: I admitted I did not know, and that opened things up.',
  'Tomorrow I will start by asking what they need from me.',
  'In November I want to practise staying curious when I disagree.',
  'Empathy came easily today; challenge did not.',
  'After the session I wrote down what I had assumed.',
  'We agreed the agenda together and kept to it.',
  'My coachee seemed relieved when I named the tension.',
  'Perhaps I pushed too quickly for an action.',
  'Still learning to trust the pause.',
  'It was a good session: a lot of laughter and some real depth.',
  'Wednesday felt heavy. Three sessions back to back and I was less present in the last one.',
  'He was 10 minutes late and apologised.',
  'The session was 45 minutes and felt rushed.',
  'Zoom froze twice and the trust took a while to come back.',
  'Lots of energy in the room today.',
  'ICF competency 4 is where I want to grow this quarter.',
  'Noticed my shoulders tense when she talked about her boss.',
  "Our agreement at the start made it easier to go deeper, and the client's mood lifted.",
];

describe('the client-detail guard: a catalogue', () => {
  test.each(MUST_WARN)('warns: %s (%s)', (text, kind, found) => {
    expect(clientDetailWarnings(text)).toContainEqual({ kind, found });
  });

  test.each(HARMLESS)('does not warn: %s', (text) => {
    expect(clientDetailWarnings(text)).toEqual([]);
  });

  test('the catalogue is big enough to mean something', () => {
    expect(MUST_WARN.length).toBeGreaterThanOrEqual(40);
    expect(new Set(MUST_WARN.map(([, kind]) => kind))).toEqual(
      new Set(['first_name', 'lowercase_name', 'role_at_organisation', 'age', 'health_or_family', 'place']),
    );
    expect(HARMLESS.length).toBeGreaterThanOrEqual(20);
  });

  test('no prompt, tip or group question in prompts/ trips it: a check on words written about clients', () => {
    const texts: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') texts.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    for (const file of fs.readdirSync(DEFAULT_PROMPTS_DIR).filter((f) => f.endsWith('.json')))
      collect(JSON.parse(fs.readFileSync(path.join(DEFAULT_PROMPTS_DIR, file), 'utf8')));
    expect(texts.length).toBeGreaterThan(300);
    expect(texts.filter((text) => clientDetailWarnings(text).length > 0)).toEqual([]);
  });

  test('a 100,000-character reflection is checked in well under a second, whatever it holds', () => {
    // The first took 11 s before the email pattern was anchored: it re-read the text from every position.
    for (const text of ['a'.repeat(100_000), 'Tom said. '.repeat(10_000), 'She is '.repeat(14_000)]) {
      const started = performance.now();
      clientDetailWarnings(text, ['Globex']);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  test('the preview names each kind and asks the coach to re-read and edit before sharing', () => {
    const text = 'Tom is 52, the CFO at Globex, in the Leeds office, and his divorce came up.';
    const warnings = clientDetailWarnings(text);
    expect(warnings.map((w) => w.kind)).toEqual(
      expect.arrayContaining(['first_name', 'age', 'role_at_organisation', 'health_or_family', 'place']),
    );
    const preview = sharePreview({ id: 3, text }, ['#peers'], warnings).lines.join('\n');
    for (const w of warnings) expect(preview).toContain(describeWarning(w));
    expect(preview).toContain('re-read it and edit');
    expect(preview).toContain('an age: ');
    expect(preview).toContain('a health or family matter: divorce');
  });
});
