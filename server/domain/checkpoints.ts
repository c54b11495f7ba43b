// Signing the chain head: at start-up, shutdown, each retention run and on a schedule. Each signed head is
// stored, written to the server log and sent as a webhook, so copies live outside the server.
import { latestCheckpoint, type SignedCheckpoint, signHead, storeCheckpoint } from '../audit/checkpoint.js';
import type { Services } from '../services.js';

export async function signCheckpoint(s: Services, reason: string): Promise<SignedCheckpoint> {
  return s.pipeline.transact(() => {
    const head = s.log.head();
    const latest = latestCheckpoint(s.store.sqlite);
    // Nothing new since the last one: sign again only if the head moved.
    if (latest && latest.seq === head.seq && latest.hash === head.hash && reason === 'schedule')
      return latest;
    const checkpoint = signHead(head, s.config.signingKey);
    storeCheckpoint(s.store.sqlite, checkpoint);
    s.outbox.enqueue('checkpoint.signed', { ...checkpoint, reason }, null);
    s.logger.info({
      event_type: 'checkpoint_signed',
      message: `signed head seq ${head.seq}`,
      reason,
      checkpoint,
    });
    return checkpoint;
  });
}
