import { renderBlocks, renderFallbackText } from '../../src/platforms/slack/render';
import { homeView, reflectModal, selfCheckModal, settingsModal } from '../../src/platforms/slack/views';
import { cardActivity, messageCard, renderActivity, selfCheckActivity } from '../../src/platforms/teams/render';
import { testSettings } from '../helpers/settings';
import { checkSlackCall, checkSlackMessage, checkSlackView, SLACK_LIMITS } from './block-kit';
import {
  CARD_SCHEMA_VERSIONS,
  checkTeamsActivity,
  dataUriPng,
  messageBytes,
  parserProblems,
  schemaProblems,
  TEAMS_LIMITS,
} from './teams';

/**
 * Each conformance check shown to catch what it is for: a deliberately broken card, view or message per rule.
 * (That what Trellis really sends passes them is checked after every test file, see after-each-file.ts.)
 */

type Json = Record<string, unknown>;
const plain = (text: string) => ({ type: 'plain_text', text });
const section = (text: string, extra: Json = {}) => ({ type: 'section', text: { type: 'mrkdwn', text }, ...extra });
const button = (extra: Json = {}) => ({ type: 'button', action_id: 'a', text: plain('Go'), ...extra });
const message = (blocks: Json[], text = 'fallback') => ({ text, blocks });
const modal = (extra: Json = {}, blocks: Json[] = [section('hi')]): Json => ({
  type: 'modal',
  title: plain('Title'),
  blocks,
  ...extra,
});
const input = (element: Json) => ({ type: 'input', block_id: 'in', label: plain('Label'), element });

describe('Block Kit checks', () => {
  test('a well-formed message and views pass', () => {
    expect(checkSlackMessage('m', message([section('hi'), { type: 'actions', elements: [button()] }]))).toEqual([]);
    expect(
      checkSlackView('v', modal({ submit: plain('Save') }, [input({ type: 'plain_text_input', max_length: 3000 })])),
    ).toEqual([]);
  });

  test.each<[string, Json, RegExp]>([
    ['51 blocks', message(Array.from({ length: 51 }, () => section('x'))), /blocks: 51 items, limit 50/],
    ['no text beside blocks', message([section('x')], ''), /no top-level text fallback/],
    ['section text over 3000', message([section('x'.repeat(3001))]), /text.text: 3001 characters, limit 3000/],
    [
      '11 fields',
      message([{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }]),
      /fields: 11 items/,
    ],
    [
      'a field over 2000',
      message([{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }]),
      /fields\[0\].text: 2001/,
    ],
    ['header over 150', message([{ type: 'header', text: plain('h'.repeat(151)) }]), /151 characters, limit 150/],
    ['mrkdwn header', message([{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }]), /"mrkdwn" not allowed/],
    [
      'button text over 75',
      message([{ type: 'actions', elements: [button({ text: plain('b'.repeat(76)) })] }]),
      /76 characters, limit 75/,
    ],
    [
      'button value over 2000',
      message([{ type: 'actions', elements: [button({ value: 'v'.repeat(2001) })] }]),
      /value: 2001/,
    ],
    [
      'action_id over 255',
      message([{ type: 'actions', elements: [button({ action_id: 'a'.repeat(256) })] }]),
      /action_id: 256/,
    ],
    ['block_id over 255', message([section('x', { block_id: 'b'.repeat(256) })]), /block_id: 256/],
    [
      'a repeated block_id',
      message([section('x', { block_id: 'b' }), section('y', { block_id: 'b' })]),
      /"b" is used twice/,
    ],
    [
      '11 context elements',
      message([{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }]),
      /elements: 11 items, limit 10/,
    ],
    ['an unknown block', message([{ type: 'carousel' }]), /unknown block "carousel"/],
    [
      '26 buttons in one actions block',
      message([{ type: 'actions', elements: Array.from({ length: 26 }, () => button()) }]),
      /elements: 26 items, limit 25/,
    ],
    [
      'two buttons with one action_id in a block',
      message([{ type: 'actions', elements: [button({ action_id: 'share' }), button({ action_id: 'share' })] }]),
      /elements\[1\]\.action_id: "share" is used twice in the block/,
    ],
    [
      'a button url over 3000',
      message([{ type: 'actions', elements: [button({ url: `https://x/${'u'.repeat(3000)}` })] }]),
      /url: 3010/,
    ],
    [
      'an unknown element',
      message([{ type: 'actions', elements: [{ type: 'slider', action_id: 's' }] }]),
      /unknown element "slider"/,
    ],
    ['an empty text', message([section('')]), /text.text: empty/],
  ])('a message with %s is caught', (_what, body, problem) => {
    expect(checkSlackMessage('m', body).join('\n')).toMatch(problem);
  });

  const options = (n: number, text = 'o') =>
    Array.from({ length: n }, (_, i) => ({ text: plain(text), value: String(i) }));
  test.each<[string, Json, RegExp]>([
    [
      '101 blocks',
      modal(
        {},
        Array.from({ length: 101 }, () => section('x')),
      ),
      /blocks: 101 items, limit 100/,
    ],
    ['a title over 24', modal({ title: plain('t'.repeat(25)) }), /title.text: 25 characters, limit 24/],
    ['a submit over 24', modal({ submit: plain('s'.repeat(25)) }), /submit.text: 25/],
    ['a close over 24', modal({ close: plain('c'.repeat(25)) }), /close.text: 25/],
    ['a callback_id over 255', modal({ callback_id: 'c'.repeat(256) }), /callback_id: 256/],
    ['private_metadata over 3000', modal({ private_metadata: 'p'.repeat(3001) }), /private_metadata: 3001/],
    [
      'max_length 4000',
      modal({ submit: plain('Save') }, [input({ type: 'plain_text_input', max_length: 4000 })]),
      /max_length: 4000, limit 3000/,
    ],
    [
      '101 options',
      modal({ submit: plain('Save') }, [input({ type: 'static_select', options: options(101) })]),
      /options: 101 items, limit 100/,
    ],
    [
      'option text over 75',
      modal({ submit: plain('Save') }, [input({ type: 'static_select', options: options(2, 'o'.repeat(76)) })]),
      /76 characters, limit 75/,
    ],
    ['inputs without submit', modal({}, [input({ type: 'plain_text_input' })]), /needs a submit button/],
    [
      'an option value over 150',
      modal({ submit: plain('Save') }, [
        input({ type: 'static_select', options: [{ text: plain('o'), value: 'v'.repeat(151) }] }),
      ]),
      /value: 151 characters, limit 150/,
    ],
    [
      '11 checkboxes',
      modal({ submit: plain('Save') }, [input({ type: 'checkboxes', options: options(11) })]),
      /options: 11 items, limit 10/,
    ],
    [
      'a placeholder over 150',
      modal({ submit: plain('Save') }, [input({ type: 'plain_text_input', placeholder: plain('p'.repeat(151)) })]),
      /placeholder.text: 151/,
    ],
    [
      'a label over 2000',
      modal({ submit: plain('Save') }, [{ ...input({ type: 'plain_text_input' }), label: plain('l'.repeat(2001)) }]),
      /label.text: 2001/,
    ],
    [
      'a hint over 2000',
      modal({ submit: plain('Save') }, [{ ...input({ type: 'plain_text_input' }), hint: plain('h'.repeat(2001)) }]),
      /hint.text: 2001/,
    ],
    ['no view type', { blocks: [] }, /is not a view type/],
  ])('a view with %s is caught', (_what, view, problem) => {
    expect(checkSlackView('v', view).join('\n')).toMatch(problem);
  });

  test('every Slack call is judged by what it is: views, posts, updates, response_url posts and acks', () => {
    const bad = message([section('x')], '');
    for (const method of ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'response/T/1', 'ack'])
      expect(checkSlackCall(method, bad)).toHaveLength(1);
    const badView = modal({ title: plain('t'.repeat(25)) });
    for (const method of ['views.open', 'views.update', 'views.push', 'views.publish'])
      expect(checkSlackCall(method, { view: badView })).toHaveLength(1);
    expect(checkSlackCall('ack', { response_action: 'update', view: badView })).toHaveLength(1);
  });

  test("the limits are Slack's published figures", () => {
    expect(SLACK_LIMITS).toMatchObject({ messageBlocks: 50, viewBlocks: 100, sectionText: 3000, textInputMax: 3000 });
  });

  test("Trellis's own views and messages pass, including a message past every limit (it is cut to fit)", () => {
    const huge = {
      title: 't'.repeat(500),
      lines: Array.from({ length: 80 }, () => 'l'.repeat(4000)),
      fields: Array.from({ length: 25 }, () => ({ label: 'f', value: 'v'.repeat(3000) })),
      footer: 'f'.repeat(4000),
    };
    expect(checkSlackMessage('m', { text: renderFallbackText(huge), blocks: renderBlocks(huge) })).toEqual([]);
    expect(checkSlackView('v', selfCheckModal())).toEqual([]);
    expect(checkSlackView('v', reflectModal(1, 'p'.repeat(5000)))).toEqual([]);
    expect(checkSlackView('v', settingsModal(testSettings({ promptDays: [1, 2] }), false))).toEqual([]);
    expect(checkSlackView('v', homeView(huge, huge))).toEqual([]);
  });
});

const png = (width: number, height: number) => {
  const buf = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(buf);
  buf.writeUInt32BE(13, 8);
  buf.write('IHDR', 12, 'latin1');
  buf.writeUInt32BE(width, 16);
  buf.writeUInt32BE(height, 20);
  return `data:image/png;base64,${buf.toString('base64')}`;
};
const card = (body: Json[], extra: Json = {}) => ({ type: 'AdaptiveCard', version: '1.4', body, ...extra });
const activity = (content: Json, extra: Json = {}) => ({
  type: 'message',
  summary: 'summary',
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content }],
  ...extra,
});
const text = { type: 'TextBlock', text: 'hi', wrap: true };

describe('Teams checks', () => {
  test('a well-formed card activity passes', () => {
    expect(
      checkTeamsActivity('t', activity(card([text, { type: 'Image', url: png(1024, 455), altText: 'chart' }]))),
    ).toEqual([]);
  });

  test('the official schema catches an unknown property, an unknown element and a wrong value', () => {
    expect(schemaProblems(card([{ ...text, colour: 'red' }])).length).toBeGreaterThan(0);
    expect(schemaProblems(card([{ type: 'Carousel' }])).length).toBeGreaterThan(0);
    expect(schemaProblems(card([{ type: 'Input.Text', id: 'x', maxLength: 'long' }])).length).toBeGreaterThan(0);
    expect(schemaProblems(card([text]))).toEqual([]);
  });

  test("each card is checked against the schema for its declared version, never another's", () => {
    // A Table and `rtl` exist from 1.5: refused by the 1.4 schema, accepted by the 1.5 one.
    const table = { type: 'Table', columns: [{ width: 1 }], rows: [{ type: 'TableRow', cells: [] }] };
    expect(schemaProblems(card([table])).join('\n')).toMatch(/schema 1\.4/);
    expect(schemaProblems(card([text], { rtl: true })).join('\n')).toMatch(/schema 1\.4/);
    expect(schemaProblems(card([table], { version: '1.5', rtl: true }))).toEqual([]);
    // The 1.5 schema is strict as well.
    expect(schemaProblems(card([{ ...table, colour: 'red' }], { version: '1.5' })).length).toBeGreaterThan(0);
    // A version with no committed schema is named, not checked against a neighbour's.
    expect(schemaProblems(card([text], { version: '1.2' }))).toEqual([
      expect.stringMatching(/no committed schema for card version "1\.2"/),
    ]);
    expect(CARD_SCHEMA_VERSIONS).toEqual(['1.4', '1.5']);
    expect(checkTeamsActivity('t', activity(card([table], { version: '1.5' })))).toEqual([]);
  });

  test("Microsoft's adaptivecards package catches an unknown element and duplicate input ids", () => {
    expect(parserProblems(card([{ type: 'Gadget' }])).join('\n')).toMatch(/Unknown element type "Gadget"/);
    const dup = card([
      { type: 'Input.Text', id: 'a' },
      { type: 'Input.Text', id: 'a' },
    ]);
    expect(parserProblems(dup).join('\n')).toMatch(/Duplicate Id "a"/);
    expect(parserProblems(card([text]))).toEqual([]);
  });

  test.each<[string, Json, RegExp]>([
    ['no summary or text', activity(card([text]), { summary: undefined }), /no summary or text/],
    [
      'an image over 1024 pixels',
      activity(card([{ type: 'Image', url: png(1440, 640), altText: 'c' }])),
      /1440×640 pixels/,
    ],
    ['an image without alt text', activity(card([{ type: 'Image', url: png(10, 10) }])), /no altText/],
    [
      'an image over 1 MB',
      activity(card([{ type: 'Image', url: `${png(10, 10)}${'A'.repeat(1_500_000)}`, altText: 'c' }])),
      /bytes, limit 1048576/,
    ],
    [
      'a data URI that is not a PNG',
      activity(card([{ type: 'Image', url: 'data:image/png;base64,AAAA', altText: 'c' }])),
      /NaN×NaN/,
    ],
    ['a card version Teams cannot render', activity(card([text], { version: '1.6' })), /Teams renders up to 1.5/],
    [
      'a message over 28 KB',
      activity(card(Array.from({ length: 400 }, () => ({ ...text, text: 'x'.repeat(80) })))),
      /bytes, limit 28672/,
    ],
    ['a schema problem', activity(card([{ ...text, colour: 'red' }])), /schema/],
  ])('an activity with %s is caught', (_what, body, problem) => {
    expect(checkTeamsActivity('t', body).join('\n')).toMatch(problem);
  });

  test('base64 images do not count toward the message size, as Teams counts it', () => {
    const big = `data:image/png;base64,${'A'.repeat(200_000)}`;
    expect(messageBytes({ attachments: [{ content: { url: big } }] })).toBeLessThan(100);
    expect(dataUriPng(png(1024, 455))).toMatchObject({ width: 1024, height: 455 });
    expect(TEAMS_LIMITS.imagePixels).toBe(1024);
  });

  test("Trellis's own cards pass, with a summary on each activity", () => {
    const m = {
      title: 'T',
      lines: ['a *b*'],
      fields: [{ label: 'l', value: 'v' }],
      buttons: [{ action: 'share' as const, label: 'Share', value: '1' }],
    };
    expect(checkTeamsActivity('t', renderActivity(m) as Json)).toEqual([]);
    expect(checkTeamsActivity('t', selfCheckActivity({ errors: { note: 'Too long.' } }) as Json)).toEqual([]);
    expect(checkTeamsActivity('t', cardActivity(messageCard(m), 'x') as Json)).toEqual([]);
  });
});
