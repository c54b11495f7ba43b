// Small template pieces every view uses: times with their exact value on hover and focus, skeletons,
// empty states and errors with a retry.
import { html, nothing, type TemplateResult } from 'lit';
import type { Place } from '../../shared/api.js';
import type { ApiError } from './api.js';
import { errorKey } from './describe.js';
import { exactTime, placeName, relativeTime } from './format.js';
import type { I18n } from './i18n.js';

/**
 * A relative time; the exact one is a tooltip on hover (and on focus when `focusable`) and is read by
 * screen readers. Rows with actions keep their times out of the tab order: one Tab per action.
 */
export function timeAgo(when: string, now: number, i18n: I18n, focusable = false): TemplateResult {
  return html`<time part="time" datetime=${when} tabindex=${focusable ? '0' : nothing}
    >${relativeTime(when, now, i18n.tag)}<span class="tip"><span class="sr">, </span>${exactTime(when, i18n.tag)}</span></time
  >`;
}

/** Where: the place people recognise first, then the masked network as a detail. */
export function where(
  it: { ip: string | null; location?: Place | null },
  i18n: I18n,
): TemplateResult | typeof nothing {
  const place = placeName(it.location, i18n.tag);
  if (!place && !it.ip) return nothing;
  return html`${place ? html`<span part="location">${place}</span>` : nothing}${
    it.ip ? html`<span class="net">${it.ip}</span>` : nothing
  }`;
}

export function skeleton(i18n: I18n, rows = 3): TemplateResult {
  return html`<div part="skeleton" role="status">
    <span class="sr">${i18n.t('loading')}</span>
    ${Array.from({ length: rows }, () => html`<div class="bone" aria-hidden="true"></div>`)}
  </div>`;
}

export function empty(message: string): TemplateResult {
  return html`<p part="empty" class="empty">${message}</p>`;
}

export function failure(i18n: I18n, error: ApiError | undefined, retry: () => void): TemplateResult {
  return html`<div part="error" class="error" role="alert">
    <p>${i18n.t(errorKey(error?.code ?? 'internal'))}</p>
    <button part="button retry-button" @click=${retry}>${i18n.t('retry')}</button>
  </div>`;
}
