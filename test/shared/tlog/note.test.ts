// Signed notes and checkpoints: the published Go example note, and notes this code signs itself.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64, toHex } from '../../../shared/tlog/base64.js';
import { TlogError } from '../../../shared/tlog/errors.js';
import {
  formatCheckpoint,
  formatVkey,
  keyIdOf,
  openNote,
  openNoteText,
  parseCheckpoint,
  parseVkey,
  signatureLine,
} from '../../../shared/tlog/note.js';
import { peterNeumann, roots } from './vectors.js';

async function signer(name: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
  const keyId = await keyIdOf(name, raw);
  const vkey = formatVkey(name, keyId, raw);
  const signNote = (text: string) =>
    `${text}\n${signatureLine(name, keyId, new Uint8Array(sign(null, Buffer.from(text), privateKey)))}`;
  return { vkey, key: parseVkey(vkey), signNote };
}

describe('parseVkey', () => {
  it('should read the published PeterNeumann verifier key and its id', () => {
    const key = parseVkey(peterNeumann.vkey);
    expect(key.name).toBe('PeterNeumann');
    expect(toHex(key.keyId)).toBe('c74f20a3');
    expect(key.publicKey.length).toBe(32);
    expect(formatVkey(key.name, key.keyId, key.publicKey)).toBe(peterNeumann.vkey);
  });

  it('should refuse a key whose id does not belong to it, or any truncated or altered key', () => {
    expect(() => parseVkey(peterNeumann.vkey.replace('c74f20a3', 'c74f20a4'))).toThrow(/does not match/);
    expect(() => parseVkey(peterNeumann.vkey.replace('PeterNeumann', 'PeterNeuman'))).toThrow(TlogError);
    expect(() => parseVkey(peterNeumann.vkey.replace('+ARpc', '+AhpC'))).toThrow(TlogError);
    for (let cut = 1; cut < peterNeumann.vkey.length; cut += 5) {
      expect(() => parseVkey(peterNeumann.vkey.slice(0, cut))).toThrow(TlogError);
    }
  });

  it('should compute the published key id from the name and key', async () => {
    const key = parseVkey(peterNeumann.vkey);
    expect(toHex(await keyIdOf(key.name, key.publicKey))).toBe('c74f20a3');
  });
});

describe('openNoteText', () => {
  it('should accept the published PeterNeumann note', async () => {
    expect(await openNoteText(peterNeumann.note, parseVkey(peterNeumann.vkey))).toBe(peterNeumann.text);
  });

  it('should reject the published note when any one byte of its text or signature changes', async () => {
    const key = parseVkey(peterNeumann.vkey);
    const sigAt = peterNeumann.note.indexOf('x08go');
    for (const at of [0, 10, peterNeumann.text.length - 2, sigAt + 6, sigAt + 40]) {
      const c = peterNeumann.note[at] as string;
      const changed =
        peterNeumann.note.slice(0, at) + (c === 'A' ? 'B' : 'A') + peterNeumann.note.slice(at + 1);
      await expect(openNoteText(changed, key)).rejects.toThrow(TlogError);
    }
    await expect(
      openNoteText(peterNeumann.note.replace('cryptography', 'cryptographY'), key),
    ).rejects.toThrow(/does not verify/);
  });

  it('should say when the note carries no signature by the key', async () => {
    const other = await signer('example.com/log');
    await expect(openNoteText(peterNeumann.note, other.key)).rejects.toThrow(
      /no signature by example.com\/log/,
    );
  });
});

describe('openNote', () => {
  it('should return the checkpoint a note signed by its origin carries', async () => {
    const s = await signer('localhost/receipts');
    const note = s.signNote(formatCheckpoint('localhost/receipts', 8, roots[8] as Uint8Array));
    const cp = await openNote(note, s.key);
    expect(cp.origin).toBe('localhost/receipts');
    expect(cp.size).toBe(8);
    expect(toHex(cp.root)).toBe(toHex(roots[8] as Uint8Array));
    expect(cp.extensions).toEqual([]);
  });

  it('should refuse a checkpoint whose origin is not the key name', async () => {
    const s = await signer('localhost/receipts');
    const note = s.signNote(formatCheckpoint('evil.example/log', 8, roots[8] as Uint8Array));
    await expect(openNote(note, s.key)).rejects.toThrow(
      /origin is evil.example\/log, expected localhost\/receipts/,
    );
  });

  it('should refuse a note re-signed by another key under the same name', async () => {
    const real = await signer('localhost/receipts');
    const forger = await signer('localhost/receipts');
    const note = forger.signNote(formatCheckpoint('localhost/receipts', 8, roots[8] as Uint8Array));
    await expect(openNote(note, real.key)).rejects.toThrow(/no signature by localhost\/receipts/);
  });
});

describe('parseCheckpoint', () => {
  it('should read origin, size, root and extension lines', () => {
    const root = toBase64(roots[3] as Uint8Array);
    const cp = parseCheckpoint(`example.com/log\n3\n${root}\nextra line\n`);
    expect(cp.size).toBe(3);
    expect(cp.extensions).toEqual(['extra line']);
  });

  it('should refuse a malformed size, root or ending', () => {
    const root = toBase64(roots[3] as Uint8Array);
    for (const body of [
      `o\n03\n${root}\n`,
      `o\n-1\n${root}\n`,
      `o\n3\n${root}`,
      `o\n3\n${toBase64(new Uint8Array(31))}\n`,
      `o\n3\nnot base64!\n`,
      `\n3\n${root}\n`,
      `o\n3\n`,
    ]) {
      expect(() => parseCheckpoint(body)).toThrow(TlogError);
    }
  });
});

describe('fromBase64', () => {
  it('should refuse unpadded or non-canonical base64', () => {
    expect(() => fromBase64('AA')).toThrow(TlogError);
    expect(() => fromBase64('AB==')).toThrow(TlogError);
    expect(Array.from(fromBase64('AA=='))).toEqual([0]);
  });
});
