// Where the store is: a SQLite file path, or a postgres:// URL (whose password never reaches a log).
export const isPostgresUrl = (s: string) => s.startsWith('postgres://') || s.startsWith('postgresql://');

/** The URL with its password removed, for logs and errors. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
