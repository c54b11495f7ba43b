// The Privacy view: download the history, request erasure and follow a pending request. Loaded on demand
// (like the locales): most visits never open it, and the main file has a size budget.
import { html, nothing, type TemplateResult } from 'lit';
import type { ErasureView } from '../../shared/api.js';
import enPrivacy from '../i18n/en-privacy.js';
import type { ApiError } from './api.js';
import { failure, skeleton, timeAgo } from './common.js';
import type { ConfirmText } from './confirm.js';
import { errorKey } from './describe.js';
import type { ExportFormat } from './download.js';
import { shortDate } from './format.js';
import { addEnglish, fill, type I18n } from './i18n.js';

addEnglish(enPrivacy);

import type { Loader } from './loader.js';

export interface PrivacyViewProps {
  i18n: I18n;
  now: number;
  erasure: Loader<ErasureView>;
  downloading: ExportFormat | null;
  downloadError: ApiError | undefined;
  onDownload(format: ExportFormat): void;
  onErase(trigger: HTMLElement): void;
  onCancelErase(): void;
  onRetry(): void;
}

function erasureStatus(p: PrivacyViewProps): TemplateResult {
  const { i18n, erasure } = p;
  if (erasure.status === 'error') return failure(i18n, erasure.error, p.onRetry);
  const view = erasure.value;
  if (erasure.status !== 'ready' || !view) return skeleton(i18n, 1);
  if (view.status === 'pending') {
    return html`<p part="erasure-status" class="status" role="status">
        ${fill(i18n.t('erasePending'), {
          requested: view.requested_at ? timeAgo(view.requested_at, p.now, i18n) : '',
          when: view.scheduled_for ? shortDate(view.scheduled_for, i18n.tag) : '',
        })}
      </p>
      <button part="button erase-cancel-button" @click=${() => p.onCancelErase()}>${i18n.t('eraseCancel')}</button>`;
  }
  if (view.status === 'completed') {
    return html`<p part="erasure-status" class="status">
      ${i18n.t('eraseCompleted', { when: view.completed_at ? shortDate(view.completed_at, i18n.tag) : '' })}
    </p>`;
  }
  return html`${view.status === 'cancelled' ? html`<p part="erasure-status">${i18n.t('eraseCancelled')}</p>` : nothing}
    <button
      part="button erase-button"
      class="danger-outline"
      @click=${(e: Event) => p.onErase(e.currentTarget as HTMLElement)}
    >
      ${i18n.t('eraseButton')}
    </button>`;
}

export function privacyView(p: PrivacyViewProps): TemplateResult {
  const { i18n } = p;
  const button = (format: ExportFormat) =>
    html`<button part="button export-button" aria-disabled=${p.downloading ? 'true' : 'false'} @click=${() => p.onDownload(format)}>
      ${p.downloading === format ? i18n.t('preparing') : i18n.t(format === 'json' ? 'downloadJson' : 'downloadCsv')}
    </button>`;
  return html`<section class="block" aria-labelledby="export-title">
      <h2 id="export-title">${i18n.t('exportTitle')}</h2>
      <p>${i18n.t('exportBody')}</p>
      <div class="actions">${button('json')} ${button('csv')}</div>
      ${
        p.downloadError
          ? html`<p class="error-text" role="alert">${i18n.t(errorKey(p.downloadError.code))}</p>`
          : nothing
      }
    </section>
    <section class="block" aria-labelledby="erase-title">
      <h2 id="erase-title">${i18n.t('eraseTitle')}</h2>
      <p>${i18n.t('eraseBody')}</p>
      ${erasureStatus(p)}
    </section>
    <p part="credits" class="meta" lang="en">
      <a href="https://db-ip.com" target="_blank" rel="noopener">IP geolocation by DB-IP</a>
    </p>`;
}

/** What erasure will and will not do, said before the user confirms it. */
export function eraseText(i18n: I18n): ConfirmText {
  return {
    title: i18n.t('eraseTitle'),
    text: html`<h3>${i18n.t('eraseWillTitle')}</h3>
      <ul>
        <li>${i18n.t('eraseWill1')}</li>
        <li>${i18n.t('eraseWill2')}</li>
        <li>${i18n.t('eraseWill3')}</li>
      </ul>
      <h3>${i18n.t('eraseKeepTitle')}</h3>
      <ul>
        <li>${i18n.t('eraseKeep1')}</li>
        <li>${i18n.t('eraseKeep2')}</li>
      </ul>`,
    action: i18n.t('eraseConfirm'),
  };
}

export { saveExport } from './download.js';
