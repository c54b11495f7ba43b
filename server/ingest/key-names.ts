// Recognising what a metadata key names ("api-Key", "apiKey", "customer_email"), for redaction and for
// keeping personal data apart.

export interface KeyNames {
  /** Matched anywhere in the key with separators removed and lower-cased ("apikey" in "x-Api-Key"). */
  parts: readonly string[];
  /** Short names matched only as a whole word of the key ("pin" but not "shipping"). */
  words: ReadonlySet<string>;
}

export function keyNames(names: KeyNames): (key: string) => boolean {
  return (key) => {
    const joined = key.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (names.parts.some((part) => joined.includes(part))) return true;
    const words = key
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z0-9]+/);
    return words.some((w) => names.words.has(w));
  };
}
