// The Activity view: filter by kind, items grouped by day, "This wasn't me", "Load more".
import { html, nothing, type TemplateResult } from 'lit';
import type { ActivityItem, ReportResult } from '../../shared/api.js';
import { ApiError } from './api.js';
import { empty, failure, skeleton, timeAgo, where } from './common.js';
import { describe, deviceLabel, errorKey } from './describe.js';
import type { ActivityFeed } from './feed.js';
import { groupByDay } from './format.js';
import type { I18n } from './i18n.js';
import { deviceIcon, warningIcon } from './icons.js';
import { canReport, FILTER_KINDS, type FilterKind, fold } from './paging.js';
import type { LogVerification } from './verification-view.js';

export type ReportState = 'pending' | ReportResult | ApiError;

export interface ActivityViewProps {
  i18n: I18n;
  now: number;
  feed: ActivityFeed;
  reports: ReadonlyMap<string, ReportState>;
  /** Support agents see the history but do not speak for the user. */
  support: boolean;
  /** With `log-key`: the log check, loaded on demand. */
  verification: LogVerification | undefined;
  onFilter(kind: FilterKind): void;
  onMore(): void;
  onRetry(): void;
  onReport(item: ActivityItem): void;
}

function reportResult(
  p: ActivityViewProps,
  id: string,
  state?: ReportState,
): TemplateResult | typeof nothing {
  if (!state || state === 'pending') return nothing;
  if (state instanceof ApiError) {
    return html`<p class="error-text" role="alert">${p.i18n.t(errorKey(state.code))}</p>`;
  }
  return html`<div part="report-result" class="next" role="status" tabindex="-1" data-id=${id}>
    <p>${p.i18n.t(state.revoked_session ? 'reportedRevoked' : 'revokedGone')}</p>
    <p><strong>${p.i18n.t('nextStep')}</strong></p>
  </div>`;
}

function item(p: ActivityViewProps, it: ActivityItem, count = 1): TemplateResult {
  const { i18n } = p;
  const failed = it.outcome === 'failure';
  const report = p.reports.get(it.id);
  const reportable = !p.support && canReport(it) && (report === undefined || report instanceof ApiError);
  return html`<li
    data-key=${it.id}
    part=${failed ? 'activity-item activity-item-failure' : 'activity-item'}
    class="row ${failed ? 'failed' : ''} ${p.feed.fresh.has(it.id) ? 'fresh' : ''}"
  >
    <span class="icon">${failed ? warningIcon : deviceIcon(it.device?.type)}</span>
    <div class="main">
      <p class="what">
        ${describe(it, i18n, p.support)} ${count > 1 ? html`<span part="badge" class="badge">×${count}</span>` : nothing}
        ${failed ? html`<span part="badge" class="badge bad">${i18n.t('failed')}</span>` : nothing}
        ${it.current ? html`<span part="badge" class="badge">${i18n.t('thisDevice')}</span>` : nothing}
        ${p.verification?.mark(it.id, i18n)}
      </p>
      <p class="meta">
        ${it.device ? html`<span>${deviceLabel(it.device, i18n)}</span>` : nothing}
        ${where(it, i18n)} ${timeAgo(it.timestamp, p.now, i18n, true)}
      </p>
      ${reportResult(p, it.id, report)}
    </div>
    ${
      reportable || report === 'pending'
        ? html`<button
            part="button report-button"
            class="quiet"
            aria-disabled=${report === 'pending' ? 'true' : 'false'}
            @click=${() => p.onReport(it)}
          >
            ${report === 'pending' ? i18n.t('reporting') : i18n.t('notMe')}
          </button>`
        : nothing
    }
  </li>`;
}

function list(p: ActivityViewProps): TemplateResult {
  const { feed, i18n } = p;
  if (feed.status === 'error') return failure(i18n, feed.error, p.onRetry);
  if (feed.status !== 'ready') return skeleton(i18n, 4);
  if (feed.items.length === 0) return empty(i18n.t(feed.kind === 'all' ? 'emptyActivity' : 'emptyFiltered'));
  const rows = fold(feed.items).map((r) => ({ ...r, timestamp: r.item.timestamp }));
  return html`${groupByDay(rows, p.now, i18n.tag).map(
    (day) => html`<section class="day">
      <h2 part="day-heading">${day.label}</h2>
      <ul role="list">
        ${day.items.map((row) => item(p, row.item, row.count))}
      </ul>
    </section>`,
  )}
  ${feed.moreStatus === 'error' ? failure(i18n, feed.moreError, p.onMore) : nothing}
  ${
    feed.next && feed.moreStatus !== 'error'
      ? html`<button
          part="button load-more"
          class="more"
          aria-disabled=${feed.moreStatus === 'loading' ? 'true' : 'false'}
          @click=${p.onMore}
        >
          ${feed.moreStatus === 'loading' ? i18n.t('loading') : i18n.t('loadMore')}
        </button>`
      : nothing
  }`;
}

export function activityView(p: ActivityViewProps): TemplateResult {
  const { i18n, feed } = p;
  return html`<div part="filters" class="filters" role="group" aria-label=${i18n.t('filters')}>
      ${FILTER_KINDS.map(
        (kind) => html`<button
          part="button filter"
          aria-pressed=${kind === feed.kind ? 'true' : 'false'}
          @click=${() => p.onFilter(kind)}
        >
          ${i18n.t(`filter_${kind}`)}
        </button>`,
      )}
    </div>
    ${p.verification?.summary(p)} ${list(p)}`;
}
