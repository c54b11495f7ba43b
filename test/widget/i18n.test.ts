import { describe, expect, it } from 'vitest';
import en from '../../widget/i18n/en.js';
import enAlerts from '../../widget/i18n/en-alerts.js';
import enDevices from '../../widget/i18n/en-devices.js';
import enPrivacy from '../../widget/i18n/en-privacy.js';
import enSessions from '../../widget/i18n/en-sessions.js';
import enSupport from '../../widget/i18n/en-support.js';
import { verificationMessages } from '../../widget/i18n/verification.js';
import { fill, I18n, interpolate, LANGS, loadMessages, resolveLocale } from '../../widget/internal/i18n.js';

// The whole English catalog: the entry's messages and the Privacy view's, which load with its code.
// Kinds of device are named only in the other locales: English shows the server's `device.name`.
const kinds = [
  'iphone',
  'ipad',
  'android_phone',
  'android_tablet',
  'mac',
  'windows_pc',
  'linux_pc',
  'chromebook',
];
const english = {
  ...en,
  ...enPrivacy,
  ...enSupport,
  ...enAlerts,
  ...enDevices,
  ...enSessions,
  ...Object.fromEntries(kinds.map((k) => [`dev_${k}`, ''])),
};

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it.each(LANGS.filter((l) => l !== 'en'))('should give %s every English key and no other', async (lang) => {
    const messages = await loadMessages(lang);
    expect(Object.keys(messages).sort()).toEqual(Object.keys(english).sort());
  });

  it.each(LANGS.filter((l) => l !== 'en'))(
    'should keep the placeholders of each message in %s',
    async (lang) => {
      const messages = await loadMessages(lang);
      for (const [key, text] of Object.entries(english)) {
        expect([key, placeholders(messages[key as keyof typeof english])]).toEqual([key, placeholders(text)]);
      }
    },
  );

  it.each(LANGS.filter((l) => l !== 'en'))('should translate the visible words in %s', async (lang) => {
    const messages = await loadMessages(lang);
    expect(messages.retry).not.toBe(en.retry);
    expect(messages.notMe).not.toBe(en.notMe);
    expect(messages.ev_login_success).not.toBe(en.ev_login_success);
  });
});

describe('resolveLocale', () => {
  it('should take the first supported language and keep the full tag for Intl', () => {
    expect(resolveLocale(['de-CH'])).toEqual({ tag: 'de-CH', lang: 'de' });
    expect(resolveLocale(['JA-jp'])).toEqual({ tag: 'ja-JP', lang: 'ja' });
    expect(resolveLocale([null, '', 'fr'])).toEqual({ tag: 'fr', lang: 'fr' });
  });

  it('should skip unsupported and invalid tags', () => {
    expect(resolveLocale(['pt-BR', 'es-MX'])).toEqual({ tag: 'es-MX', lang: 'es' });
    expect(resolveLocale(['not a tag!', 'de'])).toEqual({ tag: 'de', lang: 'de' });
  });

  it('should fall back to English for both messages and formats', () => {
    expect(resolveLocale(['pt-BR'])).toEqual({ tag: 'en', lang: 'en' });
    expect(resolveLocale([])).toEqual({ tag: 'en', lang: 'en' });
  });
});

describe('interpolate and fill', () => {
  it('should fill placeholders and leave unknown ones visible', () => {
    expect(interpolate('{browser} on {os}', { browser: 'Firefox', os: 'Linux' })).toBe('Firefox on Linux');
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('should split a message around placeholders for templates to fill', () => {
    const time = { template: true };
    expect(fill('Last active {time}.', { time })).toEqual(['Last active ', time, '.']);
    expect(fill('{time}', { time })).toEqual(['', time, '']);
  });
});

describe('I18n', () => {
  it('should pick plural forms by the language rules', async () => {
    await import('../../widget/internal/devices-view.js'); // its words come with it
    const english = new I18n();
    expect(english.count('revokedOthers', 1)).toBe('Signed out 1 other session.');
    expect(english.count('revokedOthers', 3)).toBe('Signed out 3 other sessions.');
    const french = new I18n(await loadMessages('fr'), 'fr', 'fr');
    expect(french.count('sessionCount', 0)).toBe('0 session');
    const japanese = new I18n(await loadMessages('ja'), 'ja', 'ja');
    expect(japanese.count('sessionCount', 2)).toBe('2 件のセッション');
  });

  it('should know which keys exist', () => {
    const i18n = new I18n();
    expect(i18n.has('ev_login_success')).toBe(true);
    expect(i18n.has('ev_made_up')).toBe(false);
    expect(i18n.has('toString')).toBe(false);
  });
});

describe('the log check catalog', () => {
  it.each(LANGS.filter((l) => l !== 'en'))('should give %s every English key and placeholder', (lang) => {
    const english = verificationMessages.en;
    const messages = verificationMessages[lang];
    expect(Object.keys(messages).sort()).toEqual(Object.keys(english).sort());
    for (const [key, text] of Object.entries(english)) {
      expect([key, placeholders(messages[key as keyof typeof english])]).toEqual([key, placeholders(text)]);
      expect([key, messages[key as keyof typeof english]]).not.toEqual([key, text]);
    }
  });
});
