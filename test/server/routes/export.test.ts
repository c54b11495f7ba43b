// GET /v1/me/export: CSV that is valid RFC 4180 and safe to open in a spreadsheet, JSON with all of the
// user's events and nobody else's, and the export itself on the record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../../server/views/export-csv.js';
import type { ActivityItem } from '../../../shared/api.js';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';
import { allActivity, json } from '../http/helpers.js';

/** A strict RFC 4180 parser: CRLF records, quoted fields with "" escapes, no stray quotes or bare CR/LF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`invalid CSV at offset ${i}: ${why}`);
  };
  if (!text.endsWith('\r\n')) fail('the last record does not end with CRLF');
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated quoted field');
        const ch = text[i]!;
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += ch;
        i++;
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') fail('text after a closing quote');
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') fail('a quote inside an unquoted field');
        field += text[i];
        i++;
      }
      if (text[i] === '\n') fail('a bare LF');
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
    } else if (text[i] === '\r') {
      if (text[i + 1] !== '\n') fail('a bare CR');
      i += 2;
      rows.push(row);
      row = [];
    }
  }
  const width = rows[0]?.length ?? 0;
  rows.forEach((r, n) => {
    if (r.length !== width) throw new Error(`record ${n} has ${r.length} fields, the header has ${width}`);
  });
  return rows;
}

const USER = 'usr_export';
const OTHER = 'usr_export_other';
const HYPERLINK = '=HYPERLINK("http://evil.example","click")';
const FORMULAS = [HYPERLINK, '+SUM(1,2)', '-2+3', '@cmd|" /C calc"!A0', '=1+1'];

let server: TestServer;
let token: string;
const ids: string[] = [];

beforeAll(async () => {
  server = await startServer();
  const events = [
    signIn(USER, 'h_export', { id: 'exp_login' }),
    ...FORMULAS.map((ua, n) => signIn(USER, `h_f${n}`, { id: `exp_formula_${n}`, user_agent: ua })),
    {
      id: 'exp_profile',
      event_type: 'profile_update',
      outcome: 'success',
      user_id: USER,
      metadata: { field: 'display, "nick" name', note: 'line one\nline two', email: 'alice@example.com' },
    },
  ];
  ids.push('exp_login', ...FORMULAS.map((_, n) => `exp_formula_${n}`), 'exp_profile');
  const res = await ingest(server, {
    events: [...events, signIn(OTHER, 'h_other', { id: 'exp_other', metadata: { note: 'OTHER_MARKER' } })],
  });
  expect(res.status, await res.clone().text()).toBe(202);
  token = await mintToken(server, { userId: USER, sessionId: 'h_export' });
});

afterAll(async () => {
  await server?.stop();
});

describe('CSV export', () => {
  it('the parser is strict (so the checks below can fail)', () => {
    expect(parseCsv('a,b\r\n"x ""y""",z\r\n')).toEqual([
      ['a', 'b'],
      ['x "y"', 'z'],
    ]);
    expect(() => parseCsv('a,b\nc,d\n')).toThrow(/CRLF|bare LF/);
    expect(() => parseCsv('a,b\r\nc"d,e\r\n')).toThrow(/quote inside/);
    expect(() => parseCsv('a,b\r\n"c"d,e\r\n')).toThrow(/after a closing quote/);
    expect(() => parseCsv('a,b\r\nc\r\n')).toThrow(/fields/);
    expect(() => parseCsv('a,b\r\n"c,d\r\n')).toThrow(/unterminated|CRLF/);
  });

  let rows: string[][];
  let header: string[];
  const column = (name: string) => header.indexOf(name);
  const rowOf = (id: string) => rows.find((r) => r[0] === id)!;

  it('is valid RFC 4180 with a header row, served as a CSV attachment', async () => {
    const res = await asUser(server, token, '/v1/me/export?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="activity-[\d-]+\.csv"$/);
    rows = parseCsv(await res.text());
    header = rows[0]!;
    for (const name of ['id', 'timestamp', 'event_type', 'outcome', 'ip', 'user_agent', 'metadata']) {
      expect(header).toContain(name);
    }
    for (const id of ids) expect(rowOf(id), id).toBeDefined();
    expect(rows.some((r) => r[0] === 'exp_other')).toBe(false);
  });

  it('neutralizes a =HYPERLINK(…) user agent and every other formula start', () => {
    const ua = column('user_agent');
    expect(rowOf('exp_formula_0')[ua]).toBe(`'${HYPERLINK}`);
    FORMULAS.forEach((formula, n) => {
      expect(rowOf(`exp_formula_${n}`)[ua]).toBe(`'${formula}`);
    });
    // No cell anywhere starts a formula.
    for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // An ordinary user agent is left alone.
    expect(rowOf('exp_login')[ua]).toMatch(/^Mozilla\/5\.0/);
  });

  it('keeps commas, quotes and newlines inside a cell, and personal values masked', () => {
    const meta = JSON.parse(rowOf('exp_profile')[column('metadata')]!) as Record<string, unknown>;
    expect(meta).toMatchObject({
      field: 'display, "nick" name',
      note: 'line one\nline two',
      email: 'a***@example.com',
    });
  });

  it('neutralizes tab and CR starts too (the cell function, since events cannot carry them there)', async () => {
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`);
    expect(csvCell('@x')).toBe("'@x");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(null)).toBe('');
    // A user agent with a control character never reaches the store in the first place.
    const res = await ingest(server, signIn(USER, 'h_tab', { user_agent: '\t=cmd' }));
    expect(res.status).toBe(400);
  });
});

describe('JSON export', () => {
  it("holds all of the user's events and none of another user's", async () => {
    const res = await asUser(server, token, '/v1/me/export?format=json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/\.json"$/);
    const text = await res.text();
    const body = JSON.parse(text) as {
      exported_at: string;
      items: (ActivityItem & { user_agent: string })[];
    };
    const got = body.items.map((i) => i.id);
    for (const id of ids) expect(got).toContain(id);
    expect(got).not.toContain('exp_other');
    expect(text).not.toContain('OTHER_MARKER');
    expect(new Set(got).size).toBe(got.length);
    // The same events the activity view shows.
    const activity = await allActivity(server, token);
    expect(new Set(got)).toEqual(new Set(activity.map((i) => i.id)));
    expect(body.items.find((i) => i.id === 'exp_formula_0')?.user_agent).toBe(HYPERLINK);
  });

  it('is the default format', async () => {
    const res = await asUser(server, token, '/v1/me/export');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await json<{ items: unknown[] }>(res)).items.length).toBeGreaterThan(ids.length);
  });

  it('refuses an unknown format', async () => {
    const res = await asUser(server, token, '/v1/me/export?format=xml');
    expect(res.status).toBe(400);
  });
});

describe('the export is on the record', () => {
  it('each export records a data_export event the user sees', async () => {
    const before = await allActivity(server, token, 'event_type=data_export');
    expect((await asUser(server, token, '/v1/me/export?format=csv')).status).toBe(200);
    const after = await allActivity(server, token, 'event_type=data_export');
    expect(after.length).toBe(before.length + 1);
    expect(after[0]!.metadata).toMatchObject({ format: 'csv', requested_by: 'user' });
    expect(after[0]!.outcome).toBe('success');
    // The other user's activity has none of these.
    const other = await mintToken(server, { userId: OTHER });
    expect(await allActivity(server, other, 'event_type=data_export')).toEqual([]);
  });
});
