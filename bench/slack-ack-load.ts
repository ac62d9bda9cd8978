/**
 * The load generator for bench/slack-ack.ts, run in its own process so it does not share a CPU queue with the server.
 * Every request is a `/selfcheck 4 3 5 4 4 2` slash command signed as Slack signs it, with a fresh timestamp and a
 * new trigger id (so each one is a new self-check), from one of `users` coaches.
 * Usage: node --import tsx bench/slack-ack-load.ts <url> <connections> <seconds> <users>  (signing secret on stdin)
 */
import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';

async function main() {
  const [url, connections, seconds, users] = process.argv.slice(2);
  const secret = (await new Promise<string>((resolve) => {
    let data = '';
    process.stdin.on('data', (c) => {
      data += c;
    });
    process.stdin.on('end', () => resolve(data.trim()));
  })) as string;
  let n = 0;
  const result = await autocannon({
    url,
    connections: Number(connections),
    duration: Number(seconds),
    requests: [
      {
        method: 'POST',
        path: '/slack/events',
        setupRequest: (req) => {
          const i = n++;
          const user = `UBENCH${i % Number(users)}`;
          const trigger = `bench.${process.pid}.${i}`;
          const body = new URLSearchParams({
            token: 'x',
            team_id: 'T0BENCH',
            team_domain: 'bench',
            channel_id: `D${user.slice(1)}`,
            channel_name: 'directmessage',
            user_id: user,
            user_name: user.toLowerCase(),
            command: '/selfcheck',
            text: '4 3 5 4 4 2',
            api_app_id: 'A0BENCH',
            is_enterprise_install: 'false',
            response_url: `${process.env.BENCH_RESPONSE_URL ?? 'http://127.0.0.1:9/'}response/${trigger}`,
            trigger_id: trigger,
          }).toString();
          const ts = String(Math.floor(Date.now() / 1000));
          const sig = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
          return {
            ...req,
            body,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-slack-request-timestamp': ts,
              'x-slack-signature': `v0=${sig}`,
            },
          };
        },
      },
    ],
  });
  process.stdout.write(
    `${JSON.stringify({
      rps: result.requests.average,
      total: result.requests.total,
      p50: result.latency.p50,
      p99: result.latency.p99,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
