// Below the entropy of a long generated key, random draws and names overlap: a base62 key that drew no
// digit (a 32-character one does about one time in 280) or few distinct characters, a base32 or base36
// key, against camelCase, a constant's name, a path of names. Entropy cannot tell them apart (a
// camelCase pangram scores higher than many random draws); how the letters follow each other can. This
// weighs the letters under two models and reports how much likelier, in bits, they are drawn evenly at
// random than written as words.

// English letter frequencies, a–z, per cent (Lewand, Cryptological Mathematics, 2000), each at least
// FLOOR_PERCENT: names use the letters prose rarely does (JSON, XML, Query, Lazy) more than prose.
const FLOOR_PERCENT = 1;
const PROSE = [
  8.167, 1.492, 2.782, 4.253, 12.702, 2.228, 2.015, 6.094, 6.966, 0.153, 0.772, 4.025, 2.406, 6.749, 7.507,
  1.929, 0.095, 5.987, 6.327, 9.056, 2.758, 0.978, 2.36, 0.15, 1.974, 0.074,
].map((f) => Math.max(f, FLOOR_PERCENT));
const ENGLISH = PROSE.map((f) => (100 * f) / PROSE.reduce((a, b) => a + b, 0));
const VOWELS = new Set([0, 4, 8, 14, 20]); // a e i o u
const VOWEL_SHARE = [...VOWELS].reduce((s, i) => s + ENGLISH[i]!, 0) / 100;

// Words: a vowel follows a consonant about half the time and another vowel rarely; a capital follows a
// small letter where a word starts, and another capital inside an acronym or a constant's name.
const WORDS = {
  vowelAfterConsonant: 0.55,
  vowelAfterVowel: 0.2,
  capitalAfterSmall: 0.2,
  capitalAfterCapital: 0.4,
};
// At random: each of 52 letters alike, so 5 in 26 a vowel and each case half the time.
const RANDOM_VOWEL = 5 / 26;

// Per letter, given its class: log2(P(random) / P(words)), with both models spreading each class
// over its letters (evenly at random, by frequency in words).
const LETTER_BITS = ENGLISH.map((f, i) =>
  VOWELS.has(i)
    ? Math.log2(1 / 5 / (f / 100 / VOWEL_SHARE))
    : Math.log2(1 / 21 / (f / 100 / (1 - VOWEL_SHARE))),
);

/** Letters of both cases, a few of each: a lone small "x" in a constant's name does not count. */
export function inBothCases(run: string): boolean {
  return (run.match(/[a-z]/g)?.length ?? 0) >= 3 && (run.match(/[A-Z]/g)?.length ?? 0) >= 3;
}

const bitsOf = (pRandom: number, pWords: number) => Math.log2(pRandom / pWords);

/**
 * How many bits likelier the letters of `run` are drawn at random than written as words. Characters
 * other than letters (digits, `/`, `_`, `+`, `-`) end a word, so the next letter starts afresh.
 */
export function randomLetterBits(run: string): number {
  // A run in one case (base32, base36, a constant's name, with an "x" in "4x4") says nothing by its case.
  const cased = inBothCases(run);
  let bits = 0;
  let prevVowel: boolean | null = null;
  let prevCapital: boolean | null = null;
  for (let i = 0; i < run.length; i++) {
    const code = run.charCodeAt(i);
    const capital = code >= 65 && code <= 90;
    if (!capital && !(code >= 97 && code <= 122)) {
      prevVowel = prevCapital = null;
      continue;
    }
    const letter = (code | 32) - 97;
    const vowel = VOWELS.has(letter);
    bits += LETTER_BITS[letter]!;
    const pVowel =
      prevVowel === null ? VOWEL_SHARE : prevVowel ? WORDS.vowelAfterVowel : WORDS.vowelAfterConsonant;
    bits += vowel ? bitsOf(RANDOM_VOWEL, pVowel) : bitsOf(1 - RANDOM_VOWEL, 1 - pVowel);
    if (cased && prevCapital !== null) {
      const pCapital = prevCapital ? WORDS.capitalAfterCapital : WORDS.capitalAfterSmall;
      bits += capital ? bitsOf(0.5, pCapital) : bitsOf(0.5, 1 - pCapital);
    }
    prevVowel = vowel;
    prevCapital = capital;
  }
  return bits;
}
