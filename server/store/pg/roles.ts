// Whether the role a connection runs as could change the audit log. Production refuses to serve as such a
// role: the log's append-only promise on PostgreSQL rests on the runtime role's privileges.
import type pg from 'pg';
import { AUDIT_TABLES, PG_SCHEMA } from './schema.js';

export type Queryable = Pick<pg.ClientBase, 'query'>;

// Each row is one way the current role could change the audit floor, worded as the end of a sentence that
// starts with the role's name; the first one found is the answer.
const HOW = `
  SELECT 1 AS rank, 'is a superuser' AS why FROM pg_roles WHERE rolname = current_user AND rolsuper
  UNION ALL
  SELECT 2, 'bypasses row-level security (BYPASSRLS)' FROM pg_roles WHERE rolname = current_user AND rolbypassrls
  UNION ALL
  SELECT 3, CASE WHEN n.nspowner = r.oid THEN 'owns the schema ' ELSE 'can act as the owner of the schema ' END
         || n.nspname
    FROM pg_namespace n, pg_roles r
   WHERE n.nspname = $1 AND r.rolname = current_user AND pg_has_role(current_user, n.nspowner, 'MEMBER')
  UNION ALL
  SELECT 4, CASE WHEN c.relowner = r.oid THEN 'owns ' ELSE 'can act as the owner of ' END || c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, pg_roles r
   WHERE n.nspname = $1 AND c.relname = ANY($2) AND r.rolname = current_user
     AND pg_has_role(current_user, c.relowner, 'MEMBER')
  UNION ALL
  SELECT 5, 'may ' || p.privilege || ' ' || t.name
    FROM unnest($2::text[]) AS t(name), unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER']) AS p(privilege)
   WHERE to_regclass(quote_ident($1) || '.' || quote_ident(t.name)) IS NOT NULL
     AND CASE p.privilege
           -- A grant on one column is enough to rewrite that column.
           WHEN 'UPDATE' THEN has_any_column_privilege(quote_ident($1) || '.' || quote_ident(t.name), 'UPDATE')
           ELSE has_table_privilege(quote_ident($1) || '.' || quote_ident(t.name), p.privilege)
         END
  UNION ALL
  SELECT 6, 'owns the database ' || d.datname
    FROM pg_database d
   WHERE d.datname = current_database() AND pg_has_role(current_user, d.datdba, 'MEMBER')
  ORDER BY rank
  LIMIT 1
`;

/**
 * Null when the connected role cannot modify the audit log; otherwise one sentence saying why, such as
 * "role app may UPDATE events" or "role app is a superuser".
 */
export async function auditModifiableBy(client: Queryable): Promise<string | null> {
  const role = (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u ?? '?';
  const found = await client.query<{ why: string }>(HOW, [PG_SCHEMA, AUDIT_TABLES]);
  const why = found.rows[0]?.why;
  return why ? `role ${role} ${why}` : null;
}
