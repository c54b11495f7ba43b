// `--key VKEY` as the verifying commands take it: the verifier key line itself (as `GET /v1/log/key`
// prints it) or a file holding it.
import { readFileSync } from 'node:fs';
import { parseVkey, type Vkey } from '../../shared/tlog/note.js';
import { CliError } from './error.js';

export function readVkeyOption(value: string): Vkey {
  let text = value;
  if (!value.includes('+')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch {
      throw new CliError(`--key: not a verifier key, and no file ${value}`);
    }
  }
  try {
    return parseVkey(text.trim());
  } catch (error) {
    throw new CliError(`--key: ${(error as Error).message}`);
  }
}
