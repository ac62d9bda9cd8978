/**
 * The load generator for bench/teams-turn, run as its own process so it does not share a CPU with the bots.
 * Input (argv[2], JSON): url, serviceUrl, seconds, connections, users, text. Output (stdout, JSON): the figures.
 * Every request is a fresh Teams message activity (its own id, one of `users` coaches), as Teams would send.
 */
// biome-ignore lint/suspicious/noExplicitAny: autocannon ships no types
const autocannon: any = require('autocannon');

interface LoadInput {
  url: string;
  serviceUrl: string;
  seconds: number;
  connections: number;
  users: number;
  text: string;
  label: string;
}

const input = JSON.parse(process.argv[2] ?? '{}') as LoadInput;
let sequence = 0;

function activity(): string {
  const n = sequence++;
  const user = `bench-${n % input.users}`;
  return JSON.stringify({
    type: 'message',
    id: `${input.label}-${process.pid}-${n}`,
    timestamp: new Date().toISOString(),
    serviceUrl: input.serviceUrl,
    channelId: 'msteams',
    from: { id: `29:${user}`, name: user, aadObjectId: `aad-${user}` },
    recipient: { id: '28:trellis-bot', name: 'Trellis' },
    conversation: { id: `a:personal-${user}`, conversationType: 'personal', tenantId: 'bench-tenant' },
    channelData: { tenant: { id: 'bench-tenant' } },
    localTimezone: 'Europe/London',
    text: input.text,
  });
}

autocannon(
  {
    url: input.url,
    connections: input.connections,
    duration: input.seconds,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>) => ({ ...req, body: activity() }),
      },
    ],
  },
  // biome-ignore lint/suspicious/noExplicitAny: autocannon ships no types
  (error: Error | null, result: any) => {
    if (error) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stdout.write(
      `${JSON.stringify({
        throughput: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        total: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
      })}\n`,
    );
  },
);
