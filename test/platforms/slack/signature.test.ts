import { describe, expect, test } from '@jest/globals';
import { slackSignature, verifySlackSignature } from '../../../src/platforms/slack/signature';
import { slackSignatureHeaders } from '../../helpers/slack-signing';

/**
 * The worked example from Slack's "Verifying requests from Slack" documentation: a signing secret, a slash
 * command body, a timestamp and the signature Slack sent. Both our verifier and the tests' signer must agree with it.
 */
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = 1531420618;
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('Slack request signatures', () => {
  test('match Slack’s documented example, in src and in the test signer', () => {
    expect(slackSignature(SECRET, String(TIMESTAMP), BODY)).toBe(SIGNATURE);
    expect(slackSignatureHeaders(SECRET, BODY, TIMESTAMP)).toEqual({
      'x-slack-signature': SIGNATURE,
      'x-slack-request-timestamp': String(TIMESTAMP),
    });
  });

  test('the documented request verifies at its own time and up to five minutes either side, not beyond', () => {
    const headers = { signature: SIGNATURE, timestamp: String(TIMESTAMP) };
    const body = Buffer.from(BODY);
    expect(verifySlackSignature(SECRET, headers, body, TIMESTAMP)).toEqual({ ok: true });
    expect(verifySlackSignature(SECRET, headers, body, TIMESTAMP + 300)).toEqual({ ok: true });
    expect(verifySlackSignature(SECRET, headers, body, TIMESTAMP + 301)).toMatchObject({ ok: false });
    expect(verifySlackSignature(SECRET, headers, body, TIMESTAMP - 301)).toMatchObject({ ok: false });
  });

  test('any change to body, timestamp, secret or signature fails', () => {
    const body = Buffer.from(BODY);
    const ok = { signature: SIGNATURE, timestamp: String(TIMESTAMP) };
    expect(verifySlackSignature(SECRET, ok, Buffer.from(BODY.replace('text=', 'text=x')), TIMESTAMP).ok).toBe(false);
    expect(verifySlackSignature(SECRET, { ...ok, timestamp: String(TIMESTAMP + 1) }, body, TIMESTAMP).ok).toBe(false);
    expect(verifySlackSignature(`${SECRET}x`, ok, body, TIMESTAMP).ok).toBe(false);
    expect(verifySlackSignature(SECRET, { ...ok, signature: SIGNATURE.toUpperCase() }, body, TIMESTAMP).ok).toBe(false);
    expect(verifySlackSignature(SECRET, { ...ok, signature: 'v0=' }, body, TIMESTAMP).ok).toBe(false);
    expect(verifySlackSignature(SECRET, { timestamp: String(TIMESTAMP) }, body, TIMESTAMP).ok).toBe(false);
    expect(verifySlackSignature(SECRET, { ...ok, timestamp: '1e9' }, body, TIMESTAMP).ok).toBe(false);
  });
});
