/**
 * Every payload Trellis sent to a fake vendor in this test file (jest gives each file its own module registry),
 * so the conformance checks (test/conformance/) can judge all of them: new features are covered by the tests
 * that exercise them, without being listed anywhere.
 */
export interface SentPayload {
  platform: 'slack' | 'teams';
  /** Slack: the Web API method, `response/…` for a response_url post, or `ack` for an acknowledgement body. Teams: the connector call's kind. */
  method: string;
  body: Record<string, unknown>;
}

const sent: SentPayload[] = [];

export function recordSent(payload: SentPayload): void {
  sent.push(payload);
}

/** What was sent since the last call, oldest first; the list is emptied. */
export function takeSent(): SentPayload[] {
  return sent.splice(0, sent.length);
}
