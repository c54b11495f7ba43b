// The PostgreSQL twin of bench/baseline-activity.js: a bare node:http server answering a user's newest events
// from the same database with one raw query (`pg`, a pool as large as the server's default RECEIPTS_DB_POOL)
// and JSON.stringify. No framework, no token verification (the user id is read from the token's payload
// unverified), no masking beyond the stored ip_net, no cursor.
// Usage: node bench/baseline-activity-pg.js <postgres://runtime@…>   → prints "listening <port>"
import http from 'node:http';
import pg from 'pg';

// bigint columns (ts) as numbers, as better-sqlite3 gives them, so that both baselines serve the same JSON.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
const pool = new pg.Pool({ connectionString: process.argv[2], max: 10 });
const query = {
  name: 'activity',
  text: `SELECT e.id, e.ts, e.event_type, e.level, e.outcome, e.metadata, p.ip_net, p.browser, p.os, p.device_type
   FROM events e LEFT JOIN personal_data p ON p.seq = e.seq
   WHERE e.subject = (SELECT pseudonym FROM subjects WHERE user_id = $1)
   ORDER BY e.ts DESC, e.seq DESC LIMIT $2`,
};

function userFromToken(header) {
  const token = header?.startsWith('Bearer ') ? header.slice(7) : null;
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString()).sub ?? null;
  } catch {
    return null;
  }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const user = userFromToken(req.headers.authorization);
  if (url.pathname !== '/v1/me/activity' || !user) {
    res.writeHead(404).end();
    return;
  }
  const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 50) || 50);
  pool.query({ ...query, values: [user, limit] }).then(
    ({ rows }) => {
      const body = JSON.stringify({ items: rows });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    },
    (error) => {
      process.stderr.write(`baseline-activity-pg: ${error.message}\n`);
      res.writeHead(500).end();
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  pool.end().finally(() => process.exit(0));
});
