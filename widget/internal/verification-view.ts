// What the log check shows: a line above the feed and a mark on each item. Loaded on demand, only when
// `log-key` is set (like the Privacy view): its code, its styles and its words in every language.
import { css, html, nothing, type ReactiveElement, svg, type TemplateResult } from 'lit';
import type { ActivityItem, ActivityProof } from '../../shared/api.js';
import { type VerificationKey, verificationMessages } from '../i18n/verification.js';
import type { ActivityErrorDetail } from '../types.js';
import type { ActivityViewProps } from './activity-view.js';
import { ApiError, toApiError } from './api.js';
import { timeAgo } from './common.js';
import { describe } from './describe.js';
import { type I18n, interpolate } from './i18n.js';
import { warningIcon } from './icons.js';
import { fold } from './paging.js';
import { ProofCheck } from './proofs.js';

export interface VerificationOptions {
  key: string;
  /** Base URL of the Receipts server ('' for the page's own origin), for the public log routes. */
  server(): string;
  items(): readonly ActivityItem[];
  fetchProof(id: string, signal: AbortSignal): Promise<ActivityProof>;
  onError(detail: ActivityErrorDetail): void;
}

const styles = css`
  [part~='verification'] {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0.75rem 0;
    color: var(--_muted);
    font-size: 0.875rem;
  }
  [part~='verification-failed'] {
    display: block;
    padding: 0.75rem;
    border-radius: var(--_radius);
    background: var(--_danger-surface);
    box-shadow: inset 3px 0 var(--_danger);
    color: var(--_text);
    font-size: inherit;
  }
  [part~='verification-failed'] ul {
    margin: 0.5rem 0 0;
    padding-inline-start: 1.25rem;
    list-style: disc;
  }
  [part~='verification'] button {
    margin-inline-start: auto;
  }
  [part~='verified-mark'],
  .shield {
    display: inline-flex;
    vertical-align: -0.2em;
    color: var(--receipts-color-verified, #1a7f37);
  }
  [part~='unverified-mark'] {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    margin-inline-start: 0.25rem;
    padding: 0 0.5rem;
    border: 1px solid;
    border-radius: 1rem;
    color: var(--_danger);
    font-size: 0.75rem;
  }
  [part~='unverified-mark'] svg {
    width: 14px;
    height: 14px;
  }
  @media (prefers-color-scheme: dark) {
    [part~='verified-mark'],
    .shield {
      color: var(--receipts-color-verified, #3fb950);
    }
  }
`;

/** Failed entries named in the summary; the rest are counted. */
const LISTED = 5;

const shield = html`<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">${svg`<path d="M12 3 4 6v6c0 4.5 3.4 8.3 8 9 4.6-.7 8-4.5 8-9V6z"/><path d="m8.5 12 2.5 2.5 4.5-5"/>`}</svg>`;

type PluralBase = VerificationKey extends infer K ? (K extends `${infer B}_other` ? B : never) : never;

function t(i18n: I18n, key: VerificationKey | PluralBase, n?: number): string {
  const catalog = verificationMessages[i18n.lang] ?? verificationMessages.en;
  let k = key as VerificationKey;
  if (n !== undefined) {
    const form = `${key}_${new Intl.PluralRules(i18n.tag).select(n)}`;
    k = (form in catalog ? form : `${key}_other`) as VerificationKey;
  }
  return interpolate(catalog[k] ?? verificationMessages.en[k], { n: n ?? '' });
}

/** A public log route: no credentials, only sizes and hashes. */
async function logJson<T>(server: string, path: string, signal: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${server.replace(/\/+$/, '')}/v1/log/${path}`, { signal, credentials: 'omit' });
  } catch (error) {
    throw toApiError(error);
  }
  if (!res.ok) throw new ApiError('http', `HTTP ${res.status}`, res.status);
  return (await res.json()) as T;
}

/** The adopted style sheet is added beside the component's own; without that support, a style element. */
function adopt(host: ReactiveElement): void {
  const root = host.renderRoot;
  const sheet = styles.styleSheet;
  if (root instanceof ShadowRoot && sheet) {
    if (!root.adoptedStyleSheets.includes(sheet))
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else if (!root.querySelector('style[data-verification]')) {
    const style = document.createElement('style');
    style.dataset.verification = '';
    style.textContent = styles.cssText;
    root.appendChild(style);
  }
}

export class LogVerification {
  readonly check: ProofCheck;

  constructor(host: ReactiveElement, options: VerificationOptions) {
    adopt(host);
    this.check = new ProofCheck(host, {
      key: options.key,
      items: options.items,
      fetchProof: options.fetchProof,
      fetchConsistency: (from, to, signal) =>
        logJson(options.server(), `consistency?from=${from}&to=${to}`, signal),
      onFailure: (ids) =>
        options.onError({
          code: 'log_verification_failed',
          message: `${ids.length} shown event(s) do not match the signed log: ${ids.join(', ')}`,
          eventIds: ids,
        }),
    });
  }

  /** The line above the feed: checking, checked, could not check, or which entries failed. */
  summary(p: ActivityViewProps): TemplateResult | typeof nothing {
    const { feed, i18n } = p;
    if (feed.status !== 'ready' || feed.items.length === 0) return nothing;
    const { capability } = this.check;
    if (capability === 'no-crypto' || capability === 'bad-key') {
      return html`<p part="verification" role="status">${t(i18n, 'logUnavailable')}</p>`;
    }
    // The rows the feed shows (folded repeats and echoes are not rows of their own).
    const tally = this.check.tally(fold(feed.items).map((r) => r.item));
    const failed = tally.failed.length;
    if (failed > 0) {
      // A few named here is enough; each failed item also carries its own mark in the list below.
      const named = tally.failed.slice(0, LISTED);
      return html`<div part="verification verification-failed" role="alert">
        <p><strong>${t(i18n, 'logFailed', failed)}</strong></p>
        <p>${t(i18n, 'logFailedBody', failed)}</p>
        <ul>
          ${named.map((it) => html`<li>${describe(it, i18n)} · ${timeAgo(it.timestamp, p.now, i18n)}</li>`)}
          ${failed > LISTED ? html`<li>${t(i18n, 'logFailedMore', failed - LISTED)}</li>` : nothing}
        </ul>
      </div>`;
    }
    if (capability === 'starting' || tally.checking > 0) {
      return html`<p part="verification" role="status" aria-busy="true">${t(i18n, 'logChecking')}</p>`;
    }
    if (tally.unchecked > 0) {
      return html`<p part="verification" role="status">
        ${t(i18n, 'logUnchecked')}
        <button part="button retry-button" @click=${() => this.check.retry()}>${t(i18n, 'logCheckAgain')}</button>
      </p>`;
    }
    return html`<p part="verification" role="status"><span class="shield">${shield}</span>${t(i18n, 'logVerified')}</p>`;
  }

  /** The mark beside an item: checked, or plainly not verified; nothing while checking or unable to. */
  mark(id: string, i18n: I18n): TemplateResult | typeof nothing {
    const state = this.check.capability === 'ready' ? this.check.state(id) : undefined;
    if (state === 'verified') {
      const label = t(i18n, 'verifiedMark');
      return html`<span part="verified-mark" role="img" aria-label=${label} title=${label}>${shield}</span>`;
    }
    if (state === 'failed') {
      const why = t(i18n, 'notVerifiedWhy');
      return html`<span part="unverified-mark" title=${why}
        >${warningIcon}${t(i18n, 'notVerified')}<span class="sr">: ${why}</span></span
      >`;
    }
    return nothing;
  }

  reset(): void {
    this.check.reset();
  }

  stop(): void {
    this.check.stop();
  }
}

export function startVerification(host: ReactiveElement, options: VerificationOptions): LogVerification {
  return new LogVerification(host, options);
}
