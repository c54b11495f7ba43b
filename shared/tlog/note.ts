// C2SP signed-note (Ed25519 keys) and the tlog-checkpoint body it carries.
import { fromBase64, fromHex, toBase64, toHex } from './base64.js';
import { concat, equalBytes, own, sha256, utf8 } from './bytes.js';
import { TlogError } from './errors.js';
import { sha256Sync } from './sha256-sync.js';

/** A verifier key: who signs (name), which of their keys (4-byte id) and the Ed25519 public key. */
export interface Vkey {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
  /** The checkpoint text exactly as signed, final newline included. */
  body: string;
}

const ED25519 = 0x01;
const SIGNATURE_LINE = /^— (\S+) ([A-Za-z0-9+/]+=*)$/;

function checkName(name: string): void {
  // C2SP: non-empty, no Unicode spaces, no plus.
  if (typeof name !== 'string' || name === '' || /[\s+]/u.test(name))
    throw new TlogError('key name must be non-empty, with no spaces or "+"');
}

function keyIdBytes(name: string, publicKey: Uint8Array): Uint8Array {
  return concat(utf8(name), new Uint8Array([0x0a, ED25519]), publicKey);
}

/** First 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key). */
export async function keyIdOf(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  return (await sha256(keyIdBytes(name, publicKey))).slice(0, 4);
}

export function formatVkey(name: string, keyId: Uint8Array, publicKey: Uint8Array): string {
  checkName(name);
  if (keyId.length !== 4) throw new TlogError('key id must be 4 bytes');
  if (publicKey.length !== 32) throw new TlogError('Ed25519 public key must be 32 bytes');
  return `${name}+${toHex(keyId)}+${toBase64(concat(new Uint8Array([ED25519]), publicKey))}`;
}

/** Parses `<name>+<8 hex key id>+<base64(0x01 ‖ key)>` and checks that the id belongs to the key. */
export function parseVkey(vkey: string): Vkey {
  if (typeof vkey !== 'string') throw new TlogError('verifier key must be a string');
  const text = vkey.trim();
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new TlogError('verifier key must read <name>+<key id>+<key>');
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  checkName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new TlogError('verifier key id must be 8 lowercase hex digits');
  const keyData = fromBase64(text.slice(second + 1));
  if (keyData.length !== 33 || keyData[0] !== ED25519)
    throw new TlogError('verifier key must be an Ed25519 key (type 0x01, 32 bytes)');
  const publicKey = keyData.slice(1);
  const keyId = fromHex(idHex);
  if (!equalBytes(sha256Sync(keyIdBytes(name, publicKey)).slice(0, 4), keyId))
    throw new TlogError('verifier key id does not match its key');
  return { name, keyId, publicKey };
}

/** `<origin>\n<size>\n<base64 root>\n[extension lines]`. */
export function parseCheckpoint(body: string): Checkpoint {
  if (typeof body !== 'string' || !body.endsWith('\n'))
    throw new TlogError('checkpoint must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new TlogError('checkpoint must have an origin, a size and a root hash');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw new TlogError('checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new TlogError('checkpoint size must be a decimal number');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new TlogError('checkpoint size is too large');
  let root: Uint8Array;
  try {
    root = fromBase64(rootText);
  } catch {
    throw new TlogError('checkpoint root hash is not base64');
  }
  if (root.length !== 32) throw new TlogError('checkpoint root hash must be 32 bytes');
  if (extensions.some((l) => l === '')) throw new TlogError('checkpoint has an empty extension line');
  return { origin, size, root, extensions, body };
}

export function formatCheckpoint(origin: string, size: number, root: Uint8Array): string {
  return `${origin}\n${size}\n${toBase64(root)}\n`;
}

interface SignatureLine {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

/** Splits a note into its signed text and its signature lines (C2SP signed-note). */
export function splitNote(note: string): { text: string; signatures: SignatureLine[] } {
  if (typeof note !== 'string') throw new TlogError('note must be a string');
  // Only newline among the ASCII control characters.
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(note))
    throw new TlogError('note contains control characters');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new TlogError('malformed note: no signature block');
  const text = note.slice(0, split + 1);
  const signatures: SignatureLine[] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = SIGNATURE_LINE.exec(line);
    if (!m) throw new TlogError('malformed note: bad signature line');
    let blob: Uint8Array;
    try {
      blob = fromBase64(m[2] as string);
    } catch {
      throw new TlogError('malformed note: signature is not base64');
    }
    if (blob.length < 5) throw new TlogError('malformed note: signature is too short');
    signatures.push({ name: m[1] as string, keyId: blob.slice(0, 4), signature: blob.slice(4) });
  }
  return { text, signatures };
}

async function ed25519Verify(
  publicKey: Uint8Array,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  if (signature.length !== 64) return false;
  const key = await globalThis.crypto.subtle.importKey('raw', own(publicKey), { name: 'Ed25519' }, false, [
    'verify',
  ]);
  return globalThis.crypto.subtle.verify({ name: 'Ed25519' }, key, own(signature), own(data));
}

/** Verifies the note's signature by `key` and returns its signed text. */
export async function openNoteText(note: string, key: Vkey): Promise<string> {
  const { text, signatures } = splitNote(note);
  const sig = signatures.find((s) => s.name === key.name && equalBytes(s.keyId, key.keyId));
  if (!sig) throw new TlogError(`note has no signature by ${key.name}`);
  if (!(await ed25519Verify(key.publicKey, sig.signature, utf8(text))))
    throw new TlogError(`note signature does not verify for ${key.name}`);
  return text;
}

/** Verifies the note's signature by `key` and returns the checkpoint it carries (origin = key name). */
export async function openNote(note: string, key: Vkey): Promise<Checkpoint> {
  const checkpoint = parseCheckpoint(await openNoteText(note, key));
  if (checkpoint.origin !== key.name)
    throw new TlogError(`checkpoint origin is ${checkpoint.origin}, expected ${key.name}`);
  return checkpoint;
}

/** A signature line for `text` given a raw Ed25519 signature (the signer lives with the private key). */
export function signatureLine(name: string, keyId: Uint8Array, signature: Uint8Array): string {
  return `— ${name} ${toBase64(concat(keyId, signature))}\n`;
}
