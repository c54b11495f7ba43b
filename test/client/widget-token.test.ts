import { decodeProtectedHeader, jwtVerify } from 'jose';
import { expect, it } from 'vitest';
import { createReceiptsClient, createWidgetToken } from '../../client/index.js';

const secret = 'a-widget-secret-of-at-least-32-bytes!';
const key = new TextEncoder().encode(secret);
const client = createReceiptsClient({ url: 'http://127.0.0.1:9', ingestKey: 'k', widgetSecret: secret });

it('mints an HS256 token that jose verifies, with the contract’s claims', async () => {
  const token = await client.createWidgetToken({ userId: 'usr_8f3k2p', sessionId: 'sess_1' });
  const { payload, protectedHeader } = await jwtVerify(token, key, {
    audience: 'receipts',
    algorithms: ['HS256'],
  });
  expect(protectedHeader.alg).toBe('HS256');
  expect(payload).toMatchObject({ sub: 'usr_8f3k2p', sid: 'sess_1', aud: 'receipts', scope: 'user' });
  expect(payload.exp! - payload.iat!).toBe(600);
  expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
});

it('caps the lifetime at 900 s, leaves sid out when absent, and mints support tokens', async () => {
  const token = await client.createWidgetToken({ userId: 'staff_1', scope: 'support', ttlSeconds: 86_400 });
  const { payload } = await jwtVerify(token, key, { audience: 'receipts' });
  expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(900);
  expect(payload.scope).toBe('support');
  expect(payload).not.toHaveProperty('sid');
});

it('fails clearly on a short or missing secret and on bad options', async () => {
  expect(() => createReceiptsClient({ url: 'http://x', ingestKey: 'k', widgetSecret: 'short' })).toThrow(
    /at least 32 bytes/,
  );
  await expect(createWidgetToken('short', { userId: 'u' })).rejects.toThrow(/at least 32 bytes/);
  const noSecret = createReceiptsClient({ url: 'http://x', ingestKey: 'k' });
  await expect(noSecret.createWidgetToken({ userId: 'u' })).rejects.toThrow(/widgetSecret/);
  await expect(client.createWidgetToken({ userId: '' })).rejects.toThrow(/userId/);
  await expect(client.createWidgetToken({ userId: 'u', ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
});

it('the standalone function gives the same kind of token', async () => {
  const token = await createWidgetToken(secret, { userId: 'u1' });
  expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
  await expect(jwtVerify(token, key, { audience: 'receipts' })).resolves.toBeTruthy();
  await expect(jwtVerify(token, new TextEncoder().encode(`${secret}x`))).rejects.toThrow();
});
