// Recognising what a metadata key names ("api-Key", "apiKey", "customer_email"), for keeping personal data
// apart. Keys are compared after folding look-alike letters and full-width forms (server/privacy/normalize).
import { keyWords } from '../privacy/normalize.js';

export interface KeyNames {
  /** Matched anywhere in the key with separators removed and lower-cased ("apikey" in "x-Api-Key"). */
  parts: readonly string[];
  /** Short names matched only as a whole word of the key ("pin" but not "shipping"). */
  words: ReadonlySet<string>;
}

export function keyNames(names: KeyNames): (key: string) => boolean {
  return (key) => {
    const words = keyWords(key);
    const joined = words.join('');
    if (names.parts.some((part) => joined.includes(part))) return true;
    return words.some((w) => names.words.has(w));
  };
}
