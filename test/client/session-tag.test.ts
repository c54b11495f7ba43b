import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sessionTag } from '../../client/index.js';
import { sessionTag as serverTag } from '../../server/webhooks/outbox.js';

describe('sessionTag', () => {
  it('should compute the same tag as the server puts in session.revoked webhooks', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(await sessionTag(secret, 'host-session-42')).toBe(serverTag(secret, 'host-session-42'));
    expect(await sessionTag(secret, 'host-session-42')).toBe(
      createHmac('sha256', secret).update('host-session-42').digest('base64url'),
    );
  });

  it('should differ between sessions and between secrets', async () => {
    const a = await sessionTag('whsec_one', 's1');
    expect(a).not.toBe(await sessionTag('whsec_one', 's2'));
    expect(a).not.toBe(await sessionTag('whsec_two', 's1'));
  });
});
