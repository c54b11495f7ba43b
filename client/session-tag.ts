// Matching `session.revoked` webhooks to your own sessions. Receipts never stores or sends your raw session
// ids; a webhook names the session by this tag, which only holders of the webhook secret can compute.

const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** HMAC-SHA256 of your session id, keyed with the webhook secret (`whsec_…`, as configured), base64url. */
export async function sessionTag(webhookSecret: string, hostSessionId: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(webhookSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return base64url(await crypto.subtle.sign('HMAC', key, encoder.encode(hostSessionId)));
}
