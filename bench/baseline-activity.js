// The baseline for the activity benchmark: a bare node:http server answering a user's newest events from the
// same SQLite file with one raw prepared statement and JSON.stringify. No framework, no token verification
// (the user id is read from the token's payload unverified), no masking beyond the stored ip_net, no cursor.
// Usage: node bench/baseline-activity.js <receipts.db>   → prints "listening <port>"
import http from 'node:http';
import Database from 'better-sqlite3';

const db = new Database(process.argv[2], { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const stmt = db.prepare(
  `SELECT e.id, e.ts, e.event_type, e.level, e.outcome, e.metadata, p.ip_net, p.browser, p.os, p.device_type
   FROM events e LEFT JOIN personal_data p ON p.seq = e.seq
   WHERE e.subject = (SELECT pseudonym FROM subjects WHERE user_id = ?)
   ORDER BY e.ts DESC, e.seq DESC LIMIT ?`,
);

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
  const body = JSON.stringify({ items: stmt.all(user, limit) });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  db.close();
  process.exit(0);
});
