// Opaque cursors: the position (time, seq) of the last item served, base64url-encoded.

export interface Position {
  ts: number;
  seq: number;
}

export function encodeCursor(p: Position): string {
  return Buffer.from(`${p.ts}.${p.seq}`).toString('base64url');
}

/** The position, or null when the cursor was not made by us. */
export function decodeCursor(cursor: string): Position | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^(-?\d{1,16})\.(\d{1,16})$/.exec(text);
  if (!match) return null;
  return { ts: Number(match[1]), seq: Number(match[2]) };
}

/**
 * A page from rows fetched with LIMIT n + 1: the extra row only says there is more. `at` finds a row's
 * position, for rows that are not objects with `ts` and `seq`.
 */
export function pageOf<R, T>(
  rows: R[],
  limit: number,
  toItem: (row: R) => T,
  at: (row: R) => Position = (row) => row as Position,
): { items: T[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return {
    items: shown.map(toItem),
    next_cursor: more && last !== undefined ? encodeCursor(at(last)) : null,
  };
}
