// The Sessions view: where the account is signed in, "This device" marked, sign out one or all others.
// Loaded on demand with its English and its confirmations: the entry has a size budget.
import { html, nothing, type TemplateResult } from 'lit';
import type { SessionView } from '../../shared/api.js';
import enSessions from '../i18n/en-sessions.js';
import { empty, failure, skeleton, timeAgo, where } from './common.js';
import type { ConfirmText } from './confirm.js';
import { deviceLabel } from './describe.js';
import { addEnglish, fill, type I18n } from './i18n.js';

addEnglish(enSessions);

import { deviceIcon } from './icons.js';
import type { Loader } from './loader.js';

export interface SessionsViewProps {
  i18n: I18n;
  now: number;
  sessions: Loader<SessionView[]>;
  /** A support agent has no session of their own here, so there are no "other" sessions either. */
  support: boolean;
  onRevoke(session: SessionView, trigger: HTMLElement): void;
  onRevokeOthers(trigger: HTMLElement): void;
  onRetry(): void;
}

function row(p: SessionsViewProps, s: SessionView): TemplateResult {
  const { i18n } = p;
  const device = deviceLabel(s.device, i18n);
  return html`<li part="session-row" class="row" data-key=${s.id}>
    <span class="icon">${deviceIcon(s.device?.type)}</span>
    <div class="main">
      <p class="what">
        ${device} ${s.current ? html`<span part="badge" class="badge">${i18n.t('thisDevice')}</span>` : nothing}
      </p>
      <p class="meta">
        ${where(s, i18n)}
        <span>${fill(i18n.t('lastActive'), { time: timeAgo(s.last_seen_at, p.now, i18n) })}</span>
        <span>${fill(i18n.t('signedIn'), { time: timeAgo(s.created_at, p.now, i18n) })}</span>
      </p>
    </div>
    ${
      s.current
        ? nothing
        : html`<button
            part="button revoke-button"
            class="danger-outline"
            aria-label=${i18n.t('revokeLabel', { device })}
            @click=${(e: Event) => p.onRevoke(s, e.currentTarget as HTMLElement)}
          >
            ${i18n.t('revoke')}
          </button>`
    }
  </li>`;
}

export function sessionsView(p: SessionsViewProps): TemplateResult {
  const { i18n, sessions } = p;
  if (sessions.status === 'error') return failure(i18n, sessions.error, p.onRetry);
  if (sessions.status !== 'ready' || !sessions.value) return skeleton(i18n);
  const list = sessions.value.filter((s) => s.status === 'active');
  if (list.length === 0) return empty(i18n.t('emptySessions'));
  const others = !p.support && list.some((s) => !s.current);
  return html`<p class="intro">${i18n.t('sessionsIntro')}</p>
    <ul role="list">
      ${list.map((s) => row(p, s))}
    </ul>
    ${
      others
        ? html`<button
            part="button revoke-others-button"
            class="danger-outline"
            @click=${(e: Event) => p.onRevokeOthers(e.currentTarget as HTMLElement)}
          >
            ${i18n.t('revokeOthers')}
          </button>`
        : nothing
    }`;
}

/** What signing out one session, or all the others, will do. */
export function revokeText(i18n: I18n, session?: SessionView): ConfirmText {
  if (session) {
    const device = deviceLabel(session.device, i18n);
    return {
      title: i18n.t('confirmRevokeTitle'),
      text: html`<p>${i18n.t('confirmRevokeBody', { device })}</p>`,
      action: i18n.t('revoke'),
    };
  }
  return {
    title: i18n.t('confirmOthersTitle'),
    text: html`<p>${i18n.t('confirmOthersBody')}</p>`,
    action: i18n.t('revokeOthers'),
  };
}
