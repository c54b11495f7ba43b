// Support mode: the agent names the ticket before anything is shown, and sees whose account this is.
// Loaded on demand, with its English: end users never need it, and the entry has a size budget.
import { html, type TemplateResult } from 'lit';
import type { MessageKey } from '../i18n/en.js';
import enSupport from '../i18n/en-support.js';
import { addEnglish, fill, type I18n } from './i18n.js';

addEnglish(enSupport);

export interface ReasonFormProps {
  i18n: I18n;
  error: MessageKey | null;
  onSubmit(event: SubmitEvent): void;
}

export function reasonForm(p: ReasonFormProps): TemplateResult {
  const { i18n } = p;
  return html`<form part="support-form" class="block" novalidate @submit=${p.onSubmit}>
    <h2>${i18n.t('supportTitle')}</h2>
    <p>${i18n.t('supportIntro')}</p>
    <label for="reason">${i18n.t('reasonLabel')}</label>
    <p id="reason-hint" class="meta">${i18n.t('reasonHint')}</p>
    <input
      id="reason"
      name="reason"
      autocomplete="off"
      required
      maxlength="200"
      aria-describedby="reason-hint reason-error"
      aria-invalid=${p.error ? 'true' : 'false'}
    />
    <p id="reason-error" class="error-text">${p.error ? i18n.t(p.error) : ''}</p>
    <button part="button" class="primary" type="submit">${i18n.t('continue')}</button>
  </form>`;
}

export interface SupportBarProps {
  i18n: I18n;
  userId: string;
  ticket: string;
  onChangeTicket(): void;
  onRefresh(): void;
}

export function supportBar(p: SupportBarProps): TemplateResult {
  const { i18n } = p;
  return html`<div part="support-bar" class="support-bar">
    <p>${fill(i18n.t('supportViewing'), { user: html`<strong>${p.userId}</strong>`, ticket: p.ticket })}</p>
    <button part="button" class="quiet" @click=${p.onChangeTicket}>${i18n.t('changeTicket')}</button>
    <button part="button" @click=${p.onRefresh}>${i18n.t('refresh')}</button>
  </div>`;
}
