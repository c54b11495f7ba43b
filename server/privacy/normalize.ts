// What the detector compares, made comparable: look-alike letters, full-width forms and invisible characters
// must not let a secret or a secret-naming key slip past a rule written in plain ASCII.

// Cyrillic and Greek letters that render like Latin ones (Unicode confusables, the common subset), and
// dashes.
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  ɡ: 'g',
  // Dashes and the minus sign, as typed between digit groups.
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '–': '-',
  '—': '-',
  '−': '-',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  Ѕ: 'S',
  І: 'I',
  Ј: 'J',
  Ԁ: 'D',
  Ԛ: 'Q',
  Ԝ: 'W',
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
};
const CONFUSABLE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'gu');
// Zero-width spaces, joiners, soft hyphens, bidi controls, BOM: all of general category Cf.
const FORMAT = /\p{Cf}/gu;
const NON_ASCII = /[^\u0000-\u007f]/;

/** A value as the rules see it: format characters removed, compatibility forms and look-alikes folded. */
export function foldValue(value: string): string {
  if (!NON_ASCII.test(value)) return value; // format characters and look-alikes are all outside ASCII
  let out = value.replace(FORMAT, '');
  out = out.normalize('NFKC').replace(FORMAT, '');
  return out.replace(CONFUSABLE, (ch) => CONFUSABLES[ch] ?? ch);
}

/**
 * The words of a key name, lower-case ASCII: "newPassword" → [new, password], "X-Api-Key" → [x, api, key],
 * "ｐａｓｓｗｏｒｄ" and "pаssword" (Cyrillic а) → [password].
 */
export function keyWords(key: string): string[] {
  let k = foldValue(key);
  // Accents do not change what a key names ("pässword"): drop combining marks after decomposing.
  if (NON_ASCII.test(k)) k = k.normalize('NFKD').replace(/\p{M}/gu, '');
  return k
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}
