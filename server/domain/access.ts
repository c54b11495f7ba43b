// The chain of custody: every look at someone's records by staff is itself an audit event.
import type { Services } from '../services.js';
import { keepTypedApart } from './typed-text.js';

export interface Access {
  /** Who looked: `admin:<key name>`, `operator:cli`. */
  who: string;
  reason: string;
  action: 'investigate' | 'export' | 'checkpoint' | 'proof' | 'webhooks' | 'webhook_retry';
  query: {
    user_id?: string;
    ip?: string;
    cidr?: string;
    from?: string;
    to?: string;
    status?: string;
    webhook_id?: string;
  };
}

/** Records `log_accessed`. The account looked at sees it in their own activity. */
export async function recordAccess(s: Services, a: Access): Promise<void> {
  const { user_id, ip, ...rest } = a.query;
  await s.pipeline.transact(async (tx) => {
    // A look-up of a user id Receipts has never seen creates no subject for it: the id asked for is kept as
    // a personal value of an event with no subject (which has its own short retention).
    const known = user_id ? (await s.log.subjects.lookup(tx, user_id)) !== null : false;
    const prepared = s.pipeline.prepareOwn({
      event_type: 'log_accessed',
      level: 'INFO',
      outcome: 'success',
      ...(user_id && known ? { user_id } : {}),
      resource_type: 'audit_log',
      action: a.action,
      // A queried IP is personal data: under `ip` it is kept beside the chain, not in it.
      metadata: {
        accessed_by: a.who,
        reason: a.reason,
        ...rest,
        ...(ip ? { ip } : {}),
        ...(user_id && !known ? { looked_up: user_id } : {}),
      },
    });
    await s.pipeline.record(tx, keepTypedApart(prepared, 'looked_up'));
  });
}
