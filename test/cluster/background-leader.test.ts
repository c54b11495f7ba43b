// Background work runs on one server of a deployment, and moves when that server dies: webhooks queued on
// any server are delivered by the leader, and after the leader is SIGKILLed another server takes over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, pgAvailable } from '../support/postgres.js';
import {
  asUser,
  ingest,
  mintToken,
  serverEnv,
  signIn,
  startServer,
  type TestServer,
  tempDir,
} from '../support/server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let database: Awaited<ReturnType<typeof freshPostgres>>;
let receiver: WebhookReceiver;
let env: Record<string, string>;
const servers: TestServer[] = [];

const leaderGauge = async (server: TestServer) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^receipts_background_leader (\d)/m.exec(text)?.[1]);
};

const waitFor = async (what: string, check: () => Promise<boolean> | boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

beforeAll(async () => {
  if (!pgAvailable) return;
  database = await freshPostgres();
  receiver = await startWebhookReceiver();
  env = serverEnv(tempDir('receipts-leader-'), {
    RECEIPTS_DB: database.url,
    RECEIPTS_DB_OWNER: database.ownerUrl,
    RECEIPTS_WEBHOOK_URL: receiver.url,
    RECEIPTS_WEBHOOK_SECRET: `whsec_${Buffer.from('receipts-leader-test-secret-32b!').toString('base64')}`,
  });
  servers.push(await startServer({ reuseEnv: env }));
  servers.push(await startServer({ reuseEnv: env }));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await receiver?.close();
  await database?.drop();
});

async function revokeOn(server: TestServer, user: string, hostSession: string): Promise<string> {
  expect((await ingest(server, { events: [signIn(user, hostSession)] })).status).toBe(202);
  const token = await mintToken(server, { userId: user });
  const { items } = (await (await asUser(server, token, '/v1/me/sessions')).json()) as {
    items: { id: string }[];
  };
  const id = items[0]!.id;
  expect((await asUser(server, token, `/v1/me/sessions/${id}`, { method: 'DELETE' })).status).toBe(200);
  return id;
}

const deliveredAbout = (session: string) =>
  receiver.attempts.filter(
    (a) => a.type === 'session.revoked' && a.status === 200 && a.body.includes(session),
  );

describe.skipIf(!pgAvailable)('background work on several servers', () => {
  it('runs on exactly one server, and another takes it over when that one is killed', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    await waitFor('a leader', async () => (await leaderGauge(a)) + (await leaderGauge(b)) === 1);
    const leader = (await leaderGauge(a)) === 1 ? a : b;
    const follower = leader === a ? b : a;

    // Queued through the follower, delivered by the leader, once.
    const first = await revokeOn(follower, 'usr_leader_1', 'host_leader_1');
    await waitFor('the first webhook', () => deliveredAbout(first).length > 0);

    await leader.kill();
    await waitFor('the follower to take over', async () => (await leaderGauge(follower)) === 1);
    const second = await revokeOn(follower, 'usr_leader_2', 'host_leader_2');
    await waitFor('the second webhook', () => deliveredAbout(second).length > 0);
    expect(deliveredAbout(second)).toHaveLength(1);

    // The killed server comes back as a follower: the work stays where it is.
    const back = await startServer({ reuseEnv: env });
    servers[servers.indexOf(leader)] = back;
    expect(await leaderGauge(back)).toBe(0);
    expect(await leaderGauge(follower)).toBe(1);
  });
});
