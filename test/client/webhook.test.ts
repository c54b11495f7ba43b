import { Webhook } from 'standardwebhooks';
import { expect, it } from 'vitest';
import { createReceiptsClient, verifyWebhook, WebhookVerificationError } from '../../client/index.js';

const secret = `whsec_${Buffer.from('a webhook secret of 32 bytes....').toString('base64')}`;
const message = {
  type: 'session.revoked',
  timestamp: '2026-04-01T14:23:11Z',
  data: { session_id: 'sess_1', revoked_by: 'user' },
};

function signed(payload: string, id = 'msg_1') {
  const timestamp = new Date();
  const signature = new Webhook(secret).sign(id, timestamp, payload);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

it('accepts a payload signed per Standard Webhooks and returns the message', () => {
  const payload = JSON.stringify(message);
  const headers = signed(payload);
  expect(verifyWebhook(secret, payload, headers)).toEqual(message);
  const client = createReceiptsClient({ url: 'http://x', ingestKey: 'k', webhookSecret: secret });
  expect(client.verifyWebhook(payload, new Headers(headers))).toEqual(message);
  expect(client.verifyWebhook(new TextEncoder().encode(payload), headers)).toEqual(message);
});

it('rejects a tampered payload, a wrong secret and missing headers', () => {
  const payload = JSON.stringify(message);
  const headers = signed(payload);
  const tampered = payload.replace('sess_1', 'sess_2');
  expect(() => verifyWebhook(secret, tampered, headers)).toThrow(WebhookVerificationError);
  const other = `whsec_${Buffer.from('another secret of 32 bytes......').toString('base64')}`;
  expect(() => verifyWebhook(other, payload, headers)).toThrow(WebhookVerificationError);
  expect(() => verifyWebhook(secret, payload, { 'webhook-id': 'msg_1' })).toThrow(WebhookVerificationError);
});

it('reads Node-style headers (any case, arrays) and refuses parsed JSON', () => {
  const payload = JSON.stringify(message);
  const h = signed(payload);
  const nodeHeaders = {
    'Webhook-Id': h['webhook-id'],
    'webhook-timestamp': [h['webhook-timestamp']],
    'webhook-signature': h['webhook-signature'],
    host: undefined,
  };
  expect(verifyWebhook(secret, payload, nodeHeaders)).toEqual(message);
  expect(() => verifyWebhook(secret, message as unknown as string, h)).toThrow(/raw request body/);
});

it('rejects a signed body that is not a Receipts event', () => {
  const payload = JSON.stringify({ hello: 'world' });
  expect(() => verifyWebhook(secret, payload, signed(payload))).toThrow(/not a Receipts event/);
});
