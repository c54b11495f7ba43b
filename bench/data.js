// Deterministic, realistic event rows for the benchmarks. `makeEvent(i, spec)` always returns the same event
// for the same index and spec, so the raw SQLite runs and the HTTP runs work on the same rows.

/** Small fast PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'MyBank/5.2.1 (iPhone; iOS 17.5; Scale/3.00)',
];

// [event_type, cumulative weight]
const MIX = [
  ['data_access', 0.34],
  ['login_success', 0.58],
  ['login_failure', 0.7],
  ['logout', 0.78],
  ['session_created', 0.83],
  ['profile_update', 0.88],
  ['permission_granted', 0.91],
  ['password_change', 0.94],
  ['data_export', 0.96],
  ['mfa_challenge_failed', 0.98],
  ['password_reset_requested', 1],
];

const DAY = 86_400_000;

/**
 * spec: { users, n, heavyShare?, heavyFraction?, now? }
 *  - users: distinct user ids; n: events in the whole set (spreads timestamps over 30 days).
 *  - heavyShare of the events go to the first heavyFraction of users (active users), the rest uniformly.
 */
export function makeSpec(spec) {
  return {
    heavyShare: 0.7,
    heavyFraction: 0.1,
    now: spec.now ?? Date.now() - 60_000,
    ...spec,
  };
}

export function userId(u) {
  return `usr_${u.toString(36).padStart(5, '0')}`;
}

/** Users with many events (the ones the activity benchmark reads). */
export function heavyUsers(spec) {
  return Math.max(1, Math.floor(spec.users * spec.heavyFraction));
}

function ipFor(u, r) {
  if (r() < 0.1) {
    // IPv6 for some users
    const a = (u * 2654435761) >>> 0;
    return `2001:db8:${(a & 0xffff).toString(16)}:${((a >>> 16) & 0xffff).toString(16)}::${Math.floor(r() * 0xfff).toString(16)}`;
  }
  if (r() < 0.8) {
    const a = (u * 2246822519) >>> 0;
    return `${(a >>> 24) % 223 || 1}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255 || 1}`;
  }
  return `${Math.floor(r() * 222) + 1}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 254) + 1}`;
}

/** The i-th event of a set, as a host sends it to POST /v1/events. */
export function makeEvent(i, spec) {
  const r = rng(Math.imul(i + 1, 2654435761) ^ 0x5bd1e995);
  const heavy = heavyUsers(spec);
  const u = r() < spec.heavyShare ? Math.floor(r() * heavy) : Math.floor(r() * spec.users);
  const pick = r();
  let type = MIX[MIX.length - 1][0];
  for (const [t, w] of MIX) {
    if (pick < w) {
      type = t;
      break;
    }
  }
  // Time-ordered within the set, spread over the last 30 days, with some jitter (indexes past n wrap around).
  const ts = spec.now - 30 * DAY + Math.floor(((i % spec.n) / spec.n) * 30 * DAY) - Math.floor(r() * 60_000);
  const uaIndex = (u + (r() < 0.85 ? 0 : Math.floor(r() * USER_AGENTS.length))) % USER_AGENTS.length;
  const sessionId = `hs_${u.toString(36)}_${Math.floor(r() * 4)}_${(u * 7919) % 100003}`;
  const e = {
    timestamp: new Date(ts).toISOString(),
    event_type: type,
    user_id: userId(u),
    ip_address: ipFor(u, r),
    user_agent: USER_AGENTS[uaIndex],
    request_id: `req_${Math.floor(r() * 0xffffffff)
      .toString(16)
      .padStart(8, '0')}`,
  };
  switch (type) {
    case 'login_success':
      e.outcome = 'success';
      e.session_id = sessionId;
      e.metadata = { method: r() < 0.8 ? 'password' : 'passkey', mfa: r() < 0.4, remember_me: r() < 0.5 };
      break;
    case 'login_failure':
      e.outcome = 'failure';
      e.metadata = {
        reason: r() < 0.85 ? 'invalid_password' : 'unknown_user',
        attempt_count: 1 + Math.floor(r() * 4),
      };
      break;
    case 'data_access':
      e.outcome = 'success';
      e.session_id = sessionId;
      e.resource_type = r() < 0.5 ? 'statement' : 'financial_summary';
      e.resource_id = `res_${Math.floor(r() * 100000)}`;
      e.action = 'view';
      e.metadata = { page: 1 + Math.floor(r() * 5), format: 'html' };
      break;
    case 'logout':
    case 'session_created':
      e.outcome = 'success';
      e.session_id = sessionId;
      break;
    case 'profile_update':
      e.outcome = 'success';
      e.session_id = sessionId;
      e.metadata = { changed: ['email', 'locale'], email: `${userId(u)}@example.com`, locale: 'en-GB' };
      break;
    case 'permission_granted':
      e.outcome = 'success';
      e.resource_type = 'workspace';
      e.resource_id = `ws_${u % 997}`;
      e.action = 'grant';
      e.metadata = { role: r() < 0.5 ? 'viewer' : 'editor', granted_by: 'admin_console' };
      break;
    case 'password_change':
      e.outcome = 'success';
      e.session_id = sessionId;
      e.metadata = { reason: 'user_initiated', other_sessions_ended: false };
      break;
    case 'data_export':
      e.outcome = 'success';
      e.session_id = sessionId;
      e.metadata = { format: 'csv', rows: Math.floor(r() * 5000) };
      break;
    case 'mfa_challenge_failed':
      e.outcome = 'failure';
      e.session_id = sessionId;
      e.metadata = { factor: 'totp' };
      break;
    default:
      e.outcome = 'success';
      e.metadata = { channel: 'email' };
  }
  return e;
}

/** Events [from, from+count) as one request body. */
export function batchBody(from, count, spec) {
  const events = new Array(count);
  for (let k = 0; k < count; k++) events[k] = makeEvent(from + k, spec);
  return JSON.stringify({ events });
}
