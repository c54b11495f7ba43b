// The banner over every view while the account has open security alerts.
import { html, nothing, type TemplateResult } from 'lit';
import type { AlertView } from '../../shared/api.js';
import { timeAgo } from './common.js';
import type { I18n } from './i18n.js';
import { warningIcon } from './icons.js';

export interface AlertsBannerProps {
  i18n: I18n;
  now: number;
  alerts: readonly AlertView[];
  busy: ReadonlySet<string>;
  onAck(alert: AlertView): void;
  onReview(): void;
}

export function alertsBanner(p: AlertsBannerProps): TemplateResult | typeof nothing {
  const open = p.alerts.filter((a) => a.status === 'open');
  if (open.length === 0) return nothing;
  const { i18n } = p;
  return html`<section part="banner" class="banner" aria-label=${i18n.t('alerts')}>
    ${open.map(
      (a) => html`<div part="alert" class="alert">
        <span class="icon">${warningIcon}</span>
        <div class="main">
          <p class="what"><strong>${i18n.t('alertTitle')}</strong> ${a.summary}</p>
          <p class="meta">${timeAgo(a.created_at, p.now, i18n)}</p>
        </div>
        <div class="actions">
          <button part="button ack-button" class="primary" aria-disabled=${p.busy.has(a.id) ? 'true' : 'false'} @click=${() => p.onAck(a)}>
            ${i18n.t('ack')}
          </button>
          <button part="button" @click=${p.onReview}>${i18n.t('reviewSessions')}</button>
        </div>
      </div>`,
    )}
  </section>`;
}
