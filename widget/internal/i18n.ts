// Message catalogs and the translator. English is bundled; the others are separate chunks loaded on demand.
import en, { type MessageKey, type Messages } from '../i18n/en.js';

export const LANGS = ['en', 'de', 'fr', 'es', 'ja'] as const;
export type Lang = (typeof LANGS)[number];

type Params = Record<string, string | number>;
/** Message keys that have plural forms, named without the `_one`/`_other` suffix. */
export type PluralKey = { [K in MessageKey]: K extends `${infer B}_other` ? B : never }[MessageKey];

const loaders: Record<Exclude<Lang, 'en'>, () => Promise<{ default: Messages }>> = {
  de: () => import('../i18n/de.js'),
  fr: () => import('../i18n/fr.js'),
  es: () => import('../i18n/es.js'),
  ja: () => import('../i18n/ja.js'),
};

/**
 * The first supported language among the candidates (the `locale` attribute, then the page's), with the
 * full tag kept for Intl. Unsupported languages fall back to English for both, so a page never mixes two.
 */
export function resolveLocale(candidates: readonly (string | null | undefined)[]): {
  tag: string;
  lang: Lang;
} {
  for (const candidate of candidates) {
    if (!candidate) continue;
    let tag: string;
    try {
      tag = Intl.getCanonicalLocales(candidate)[0] ?? '';
    } catch {
      continue;
    }
    const lang = LANGS.find((l) => l === tag.split('-')[0]?.toLowerCase());
    if (lang) return { tag, lang };
  }
  return { tag: 'en', lang: 'en' };
}

/** English messages of views loaded on demand, added when their code arrives. */
const fallback: Partial<Messages> = { ...en };

export function addEnglish(messages: Partial<Messages>): void {
  Object.assign(fallback, messages);
}

export async function loadMessages(lang: Lang): Promise<Messages> {
  return lang === 'en' ? (fallback as Messages) : (await loaders[lang]()).default;
}

/** Fills `{name}` placeholders; unknown placeholders stay as they are. */
export function interpolate(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));
}

/** Splits a message around its placeholders so that templates (a `<time>`, a `<strong>`) can fill them. */
export function fill<T>(template: string, parts: Record<string, T>): (string | T)[] {
  return template
    .split(/\{(\w+)\}/)
    .map((piece, i) => (i % 2 === 1 ? (parts[piece] ?? `{${piece}}`) : piece));
}

export class I18n {
  readonly tag: string;
  readonly lang: Lang;
  private readonly messages: Partial<Messages>;
  private readonly plurals: Intl.PluralRules;

  constructor(messages: Partial<Messages> = fallback, tag = 'en', lang: Lang = 'en') {
    this.messages = messages;
    this.tag = tag;
    this.lang = lang;
    this.plurals = new Intl.PluralRules(tag);
  }

  t(key: MessageKey, params?: Params): string {
    return interpolate(this.messages[key] ?? fallback[key] ?? key, params);
  }

  has(key: string): key is MessageKey {
    return Object.hasOwn(fallback, key);
  }

  /** A plural message with `{n}` set to the count. */
  count(key: PluralKey, n: number): string {
    const form = `${key}_${this.plurals.select(n)}`;
    return this.t(this.has(form) ? form : `${key}_other`, { n });
  }
}
