// Demo data: three weeks of a plausible account's activity, sent through the same ingestion path as a host's.
import type { IngestEvent } from '../../shared/schemas/event.js';
import type { Pipeline } from '../ingest/pipeline.js';
import type { Db } from '../store/sql.js';

export const DEMO_USER = 'usr_demo_alex';
export const DEMO_AGENT = 'agent_jamie';
export const DEMO_SESSION = 'demo-session-macbook';

// Addresses from MaxMind's published GeoIP2 test data, so the demo shows places ("London, United Kingdom")
// through the bundled database without naming anyone's real network.
export const DEMO_DEVICES = {
  macbook: {
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    ip: '81.2.69.142',
  },
  iphone: {
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    ip: '2.125.160.216',
  },
  work: {
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    ip: '89.160.20.112',
  },
  ipad: {
    ua: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    ip: '81.2.69.142',
  },
  attacker: {
    ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    ip: '2a02:cf40::1',
  },
} as const;

type DeviceName = keyof typeof DEMO_DEVICES;

/** Three weeks of history ending now: sign-ins, a password change, failed attempts, an export. */
export function demoHistory(now = Date.now()): IngestEvent[] {
  const events: IngestEvent[] = [];
  const day = 86_400_000;
  const at = (daysAgo: number, hour: number, minute = 0) =>
    new Date(now - daysAgo * day - ((now % day) - (hour * 60 + minute) * 60_000)).toISOString();
  const clamp = (iso: string) => (Date.parse(iso) > now ? new Date(now - 60_000).toISOString() : iso);
  let n = 0;
  const add = (
    when: string,
    device: DeviceName,
    e: Omit<IngestEvent, 'ip_address' | 'user_agent' | 'user_id'>,
    ip: string = DEMO_DEVICES[device].ip,
  ) => {
    n++;
    events.push({
      id: `demo_${n}`,
      user_id: DEMO_USER,
      ip_address: ip,
      user_agent: DEMO_DEVICES[device].ua,
      timestamp: clamp(when),
      ...e,
    });
  };

  // Home first: the laptop this page runs on, in an earlier session, and the work laptop being set up.
  add(at(21, 7, 30), 'macbook', {
    event_type: 'login_success',
    outcome: 'success',
    session_id: 'demo-mac-first',
    metadata: { method: 'password' },
  });
  const home = DEMO_DEVICES.macbook.ip;
  add(
    at(21, 7, 40),
    'work',
    {
      event_type: 'login_success',
      outcome: 'success',
      session_id: 'demo-work-setup',
      metadata: { method: 'password' },
    },
    home,
  );
  add(
    at(21, 7, 44),
    'work',
    {
      event_type: 'mfa_enabled',
      outcome: 'success',
      session_id: 'demo-work-setup',
      metadata: { factor: 'totp' },
    },
    home,
  );
  add(
    at(21, 7, 50),
    'work',
    { event_type: 'logout', outcome: 'success', session_id: 'demo-work-setup' },
    home,
  );
  add(at(21, 8, 0), 'macbook', { event_type: 'logout', outcome: 'success', session_id: 'demo-mac-first' });
  // The work laptop at the office: signs in every weekday morning, signs out in the evening.
  for (let d = 21; d >= 1; d--) {
    const weekday = new Date(now - d * day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const sid = `demo-work-${d}`;
    add(at(d, 8, 52), 'work', {
      event_type: 'login_success',
      outcome: 'success',
      session_id: sid,
      metadata: { method: 'password+totp' },
    });
    add(at(d, 10, 15), 'work', {
      event_type: 'data_access',
      outcome: 'success',
      session_id: sid,
      resource_type: 'invoice',
      action: 'view',
    });
    add(at(d, 17, 40), 'work', { event_type: 'logout', outcome: 'success', session_id: sid });
  }
  // The phone, at home: one long-lived session.
  add(at(20, 19, 5), 'iphone', {
    event_type: 'login_success',
    outcome: 'success',
    session_id: 'demo-session-iphone',
    metadata: { method: 'passkey' },
  });
  add(at(2, 7, 45), 'iphone', {
    event_type: 'data_access',
    outcome: 'success',
    session_id: 'demo-session-iphone',
    resource_type: 'order',
    action: 'view',
  });
  // An iPad at home, signed in a while ago and expired.
  add(at(18, 20, 10), 'ipad', {
    event_type: 'login_success',
    outcome: 'success',
    session_id: 'demo-session-ipad',
  });
  add(at(11, 20, 10), 'ipad', {
    event_type: 'session_expired',
    outcome: 'success',
    session_id: 'demo-session-ipad',
  });
  // Someone tried the password from elsewhere; the owner reset it the next morning.
  for (let i = 0; i < 3; i++) {
    add(at(9, 3, 12 + i), 'attacker', {
      event_type: 'login_failure',
      outcome: 'failure',
      level: 'WARNING',
      metadata: { reason: 'invalid_password', attempt_count: i + 1 },
    });
  }
  add(at(9, 8, 30), 'macbook', {
    event_type: 'password_reset_requested',
    outcome: 'success',
    metadata: { email: 'alex.morgan@example.com' },
  });
  add(at(9, 8, 34), 'macbook', {
    event_type: 'password_change',
    outcome: 'success',
    metadata: { reason: 'user_initiated' },
  });
  // The laptop this page runs on.
  add(at(6, 19, 0), 'macbook', {
    event_type: 'login_success',
    outcome: 'success',
    session_id: DEMO_SESSION,
    metadata: { method: 'passkey' },
  });
  add(at(4, 21, 20), 'macbook', {
    event_type: 'profile_update',
    outcome: 'success',
    session_id: DEMO_SESSION,
    metadata: { field: 'display_name', name: 'Alex Morgan' },
  });
  add(at(3, 20, 5), 'macbook', {
    event_type: 'data_export',
    outcome: 'success',
    session_id: DEMO_SESSION,
    resource_type: 'orders',
    action: 'export',
    metadata: { format: 'csv' },
  });
  add(at(1, 22, 48), 'macbook', {
    event_type: 'login_failure',
    outcome: 'failure',
    level: 'WARNING',
    metadata: { reason: 'invalid_mfa_code' },
  });
  add(at(0, 0, 0), 'macbook', {
    event_type: 'data_access',
    outcome: 'success',
    session_id: DEMO_SESSION,
    resource_type: 'account',
    action: 'view',
  });
  // Last night: a sign-in from a device and network this account has never used. Was it Alex?
  add(at(0, 3, 17), 'attacker', {
    event_type: 'login_success',
    outcome: 'success',
    session_id: 'demo-session-unknown',
    metadata: { method: 'password' },
  });
  return events.sort((a, b) => Date.parse(a.timestamp!) - Date.parse(b.timestamp!));
}

/** Seeds the demo account when the store holds no activity for it. Returns how many events were added. */
export async function seedDemo(db: Db, pipeline: Pipeline): Promise<number> {
  if (await pipeline.deps.log.subjects.lookup(db, DEMO_USER)) return 0;
  const result = await pipeline.ingest(demoHistory());
  return result.accepted;
}
