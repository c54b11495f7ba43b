// Security alerts as one calm card: "Review 3 unusual sign-ins", expanded on request. Each alert is worded
// here from its rule and params in the reader's language (the server's summary is only the fallback), and
// "No, this wasn't me" walks through what to do: sign that session out, then change the password.
// Loaded on demand, with its English: most visits have no alert to show.
import { html, nothing, type TemplateResult } from 'lit';
import type { AlertView, DeviceKind } from '../../shared/api.js';
import enAlerts from '../i18n/en-alerts.js';
import { timeAgo } from './common.js';
import { deviceLabel } from './describe.js';
import { placeName } from './format.js';
import { addEnglish, type I18n } from './i18n.js';
import { warningIcon } from './icons.js';

addEnglish(enAlerts);

/** Where an alert stands in this page: confirmed as the user, or a step of the "not me" guide. */
export type AlertStep = 'confirmed' | 'revoke' | 'revoking' | 'password' | 'done';

export interface AlertsCardProps {
  i18n: I18n;
  now: number;
  alerts: readonly AlertView[];
  steps: ReadonlyMap<string, AlertStep>;
  expanded: boolean;
  busy: ReadonlySet<string>;
  /** The host's own change-password page (`secure-account-url`), if it gave one. */
  secureAccountUrl: string;
  onToggle(): void;
  onAck(alert: AlertView): void;
  onNotMe(alert: AlertView): void;
  onRevoke(alert: AlertView): void;
  onDone(alert: AlertView): void;
}

const SIGNIN_RULES = new Set(['new_device', 'two_networks', 'failures_per_account']);

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** One alert in the reader's language; an unknown rule falls back to the server's English summary. */
export function alertText(a: AlertView, i18n: I18n): string {
  const p = a.params ?? {};
  if (a.rule === 'new_device') {
    const device = deviceLabel(
      {
        browser: str(p.browser) || null,
        os: str(p.os) || null,
        type: null,
        kind: (str(p.kind) || null) as DeviceKind | null,
        name: str(p.name) || null,
      },
      i18n,
    );
    const country = str(p.country);
    const place = country
      ? placeName({ country, country_name: country, city: str(p.city) || undefined }, i18n.tag)
      : '';
    return place ? i18n.t('a_new_device_at', { device, place }) : i18n.t('a_new_device', { device });
  }
  const key = `a_${a.rule}`;
  if (!i18n.has(key)) return a.summary;
  return i18n.t(key, { minutes: str(p.minutes), count: str(p.count), seconds: str(p.seconds) });
}

function guide(p: AlertsCardProps, a: AlertView, step: AlertStep): TemplateResult {
  const { i18n } = p;
  if (step === 'confirmed') return html`<p class="next" role="status">${i18n.t('confirmedYou')}</p>`;
  if (step === 'done') return html`<p class="next" role="status">${i18n.t('guideAllDone')}</p>`;
  if (step === 'revoke' || step === 'revoking') {
    return html`<div class="next" role="group">
      <p>${i18n.t('guideRevokeStep')}</p>
      <button
        part="button guide-revoke-button"
        class="danger"
        aria-disabled=${step === 'revoking' ? 'true' : 'false'}
        @click=${() => p.onRevoke(a)}
      >
        ${step === 'revoking' ? i18n.t('guideRevoking') : i18n.t('guideRevoke')}
      </button>
    </div>`;
  }
  return html`<div class="next" role="group">
    <p>${i18n.t('guidePasswordStep')}</p>
    <div class="actions">
      ${
        p.secureAccountUrl
          ? html`<a part="secure-account-link" class="button primary" href=${p.secureAccountUrl}
              >${i18n.t('guidePasswordLink')}</a
            >`
          : html`<p>${i18n.t('guidePasswordHint')}</p>`
      }
      <button part="button" @click=${() => p.onDone(a)}>${i18n.t('guideDone')}</button>
    </div>
  </div>`;
}

function alertRow(p: AlertsCardProps, a: AlertView): TemplateResult {
  const { i18n } = p;
  const step = p.steps.get(a.id);
  return html`<li part="alert" class="alert" data-key=${a.id}>
    <span class="icon">${warningIcon}</span>
    <div class="main">
      <p class="what">${alertText(a, i18n)}</p>
      <p class="meta">${timeAgo(a.created_at, p.now, i18n)}</p>
      ${
        step
          ? guide(p, a, step)
          : html`<p>${i18n.t('askYou')}</p>
            <div class="actions">
              <button
                part="button ack-button"
                class="primary"
                aria-disabled=${p.busy.has(a.id) ? 'true' : 'false'}
                @click=${() => p.onAck(a)}
              >
                ${i18n.t('yesMe')}
              </button>
              <button part="button not-me-button" @click=${() => p.onNotMe(a)}>${i18n.t('notMeGuide')}</button>
            </div>`
      }
    </div>
  </li>`;
}

/** What the card needs from the component: its state, and the actions that go through its client. */
export interface AlertsHost {
  readonly i18n: I18n;
  readonly now: number;
  readonly secureAccountUrl: string;
  readonly busy: ReadonlySet<string>;
  alerts(): readonly AlertView[];
  /** Whether the session is still signed in, when the component knows. */
  sessionActive(id: string): boolean;
  ack(alert: AlertView): Promise<boolean>;
  /** Signs the session out through the usual revocation; resolves false when that failed. */
  revoke(sessionId: string): Promise<boolean>;
  requestUpdate(): void;
}

/** The card's own state (expanded, where each guide stands), kept in this chunk rather than the entry. */
export class AlertsUi {
  #steps = new Map<string, AlertStep>();
  #expanded = false;

  constructor(private readonly host: AlertsHost) {}

  /** Whether there is anything to show. */
  get shown(): boolean {
    return this.host.alerts().some((a) => a.status === 'open' || this.#steps.has(a.id));
  }

  reset(): void {
    this.#steps = new Map();
    this.#expanded = false;
  }

  #step(id: string, step: AlertStep): void {
    this.#steps.set(id, step);
    this.host.requestUpdate();
  }

  async #revoke(a: AlertView): Promise<void> {
    if (!a.session || this.#steps.get(a.id) === 'revoking') return;
    this.#step(a.id, 'revoking');
    this.#step(a.id, (await this.host.revoke(a.session)) ? 'password' : 'revoke');
  }

  render(): TemplateResult | typeof nothing {
    const h = this.host;
    return alertsCard({
      i18n: h.i18n,
      now: h.now,
      alerts: h.alerts(),
      steps: this.#steps,
      expanded: this.#expanded,
      busy: h.busy,
      secureAccountUrl: h.secureAccountUrl,
      onToggle: () => {
        this.#expanded = !this.#expanded;
        h.requestUpdate();
      },
      onAck: (a) =>
        void h.ack(a).then((ok) => {
          if (ok) this.#step(a.id, 'confirmed');
        }),
      onNotMe: (a) => this.#step(a.id, a.session && h.sessionActive(a.session) ? 'revoke' : 'password'),
      onRevoke: (a) => void this.#revoke(a),
      onDone: (a) => this.#step(a.id, 'done'),
    });
  }
}

/** The card, or nothing when no alert is open and no guide is under way. */
export function alertsCard(p: AlertsCardProps): TemplateResult | typeof nothing {
  const shown = p.alerts.filter((a) => a.status === 'open' || p.steps.has(a.id));
  if (shown.length === 0) return nothing;
  const { i18n } = p;
  const open = shown.filter((a) => a.status === 'open').length;
  const signins = shown.every((a) => SIGNIN_RULES.has(a.rule));
  const title = open ? i18n.count(signins ? 'reviewSignins' : 'reviewAlerts', open) : i18n.t('alerts');
  return html`<section part="banner" class="banner" aria-label=${i18n.t('alerts')}>
    <button
      part="button alerts-toggle"
      class="toggle"
      aria-expanded=${p.expanded ? 'true' : 'false'}
      aria-controls="alerts-list"
      @click=${p.onToggle}
    >
      <span class="icon">${warningIcon}</span> ${title}
    </button>
    ${p.expanded ? html`<ul id="alerts-list" role="list">${shown.map((a) => alertRow(p, a))}</ul>` : nothing}
  </section>`;
}
