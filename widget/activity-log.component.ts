import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type {
  ActivityItem,
  AlertView,
  DeviceView,
  ErasureView,
  Page,
  ReportResult,
  RevokeResult,
  SessionView,
  StreamMessage,
} from '../shared/api.js';
import { styles } from './activity-log.styles.js';
import type { MessageKey } from './i18n/en.js';
import { activityView, type ReportState } from './internal/activity-view.js';
import type { AlertsUi } from './internal/alerts-card.js';
import { ApiClient, ApiError, checkReason, routePrefix, toApiError, tokenSubject } from './internal/api.js';
import { empty, failure, skeleton } from './internal/common.js';
import { type Confirm, type ConfirmText, confirmContent } from './internal/confirm.js';
import { deviceLabel } from './internal/describe.js';
import type { ExportFormat } from './internal/download.js';
import { ActivityFeed } from './internal/feed.js';
import { I18n, loadMessages, resolveLocale } from './internal/i18n.js';
import { LiveController } from './internal/live.js';
import { Loader } from './internal/loader.js';
import { canReport, type FilterKind, fold, SESSION_TYPES } from './internal/paging.js';
import type { LogVerification } from './internal/verification-view.js';
import type { ActivityLogEventDetails } from './types.js';

export type View = 'activity' | 'sessions' | 'devices' | 'privacy';
export type Mode = 'user' | 'support';

const USER_VIEWS: readonly View[] = ['activity', 'sessions', 'devices', 'privacy'];
/** Export and erasure are the user's own rights; an agent helps with what they can see and revoke. */
const SUPPORT_VIEWS: readonly View[] = ['activity', 'sessions', 'devices'];
const TAB_KEYS: Record<string, (index: number, count: number) => number> = {
  ArrowRight: (i) => i + 1,
  ArrowLeft: (i) => i - 1,
  Home: () => 0,
  End: (_, n) => n - 1,
};

const enc = encodeURIComponent;

type PrivacyModule = typeof import('./internal/privacy-view.js');
type SupportModule = typeof import('./internal/support.js');
type AlertsModule = typeof import('./internal/alerts-card.js');
type DevicesModule = typeof import('./internal/devices-view.js');
type SessionsModule = typeof import('./internal/sessions-view.js');

/**
 * Account activity for the signed-in user of a host application: recent sign-ins and security events,
 * active sessions, devices, and privacy controls (export and erasure), updated live.
 *
 * @summary Who signed in to my account, from where, and what can I do about it.
 *
 * @attr api - Base URL of the Receipts server; empty for the page's own origin.
 * @attr token - A widget token (JWT); sent only in the `Authorization` header.
 * @attr locale - BCP 47 language tag; `en`, `de`, `fr`, `es` and `ja` have messages. Defaults to the page's.
 * @attr view - The view shown: `activity` (default), `sessions`, `devices` or `privacy`.
 * @attr mode - `user` (default) for the user's own account, `support` for an agent looking at `user-id`.
 * @attr user-id - In support mode, the host user id to look at.
 * @attr secure-account-url - The host's own change-password page, offered after "No, this wasn't me".
 * @attr log-key - The log's verifier key (C2SP vkey, from `GET /v1/log/key`). When set, the browser checks
 *   that every event shown is in the tamper-evident log, against a checkpoint signed by this key, and says so.
 *
 * @event session-revoked - A session was signed out: `detail` is `{ id }` for one, `{ others: n }` for all others.
 * @event erasure-requested - The user requested erasure; `detail` is the request (`ErasureView`).
 * @event activity-error - A request failed; `detail` is `{ code, message, requestId? }`. With `log-key`, shown
 *   events that do not match the signed log give `code: "log_verification_failed"` and their `eventIds`.
 *
 * @csspart base - The wrapper around everything.
 * @csspart banner - The security alerts banner.
 * @csspart alert - One alert in the banner.
 * @csspart ack-button - "Yes, this was me" on an alert.
 * @csspart not-me-button - "No, this wasn't me" on an alert: starts the guided steps.
 * @csspart alerts-toggle - The alerts card's heading button ("Review 3 unusual sign-ins") that expands it.
 * @csspart guide-revoke-button - "Sign it out", the first guided step after "No, this wasn't me".
 * @csspart secure-account-link - The link to the host's change-password page (`secure-account-url`).
 * @csspart support-form - Support mode: the ticket reference form.
 * @csspart support-bar - Support mode: whose account and which ticket.
 * @csspart offline - The line saying the server cannot be reached and what is shown is what was loaded.
 * @csspart tabs - The tab list.
 * @csspart tab - Each tab; the selected one also has `tab-selected`.
 * @csspart tab-selected - The selected tab.
 * @csspart panel - The tab panel.
 * @csspart filters - The activity kind filters.
 * @csspart filter - Each filter button.
 * @csspart day-heading - The heading of a day of activity.
 * @csspart activity-item - One activity item; failures also have `activity-item-failure`.
 * @csspart activity-item-failure - A failed sign-in or other failure.
 * @csspart badge - "This device" and "Failed" badges.
 * @csspart location - Where a sign-in, session or device was ("Berlin, Germany"); the masked network follows.
 * @csspart credits - The Privacy view's credit line for the IP geolocation data.
 * @csspart time - A relative time (the exact time shows on hover and focus).
 * @csspart report-button - "This wasn't me" on a sign-in.
 * @csspart report-result - What happened after a report, and what to do next.
 * @csspart load-more - The "Load more" button.
 * @csspart verification - With `log-key`: the line above the activity saying whether the log check passed.
 * @csspart verification-failed - The same line when some entries do not match the signed log.
 * @csspart verified-mark - The mark on an activity item checked against the log.
 * @csspart unverified-mark - The mark on an activity item that does not match the log.
 * @csspart session-row - One active session.
 * @csspart revoke-button - "Sign out" on a session.
 * @csspart revoke-others-button - "Sign out all other sessions".
 * @csspart device-row - One device.
 * @csspart export-button - The JSON and CSV download buttons.
 * @csspart erase-button - "Request erasure".
 * @csspart erasure-status - The status of an erasure request.
 * @csspart erase-cancel-button - "Cancel the request", while an erasure is pending.
 * @csspart dialog - The confirmation dialog.
 * @csspart confirm-button - The confirming button of the dialog.
 * @csspart cancel-button - The cancelling button of the dialog.
 * @csspart button - Every button.
 * @csspart retry-button - "Try again" after an error.
 * @csspart error - An error message with its retry button.
 * @csspart empty - An empty state.
 * @csspart skeleton - A loading placeholder.
 *
 * @cssproperty --receipts-font - Font shorthand. Default: `0.9375rem/1.5 system-ui, sans-serif`.
 * @cssproperty --receipts-color-text - Text colour.
 * @cssproperty --receipts-color-muted - Secondary text colour.
 * @cssproperty --receipts-color-background - Background colour.
 * @cssproperty --receipts-color-surface - Background of buttons and placeholders.
 * @cssproperty --receipts-color-border - Borders and separators.
 * @cssproperty --receipts-color-accent - Links, selected tab and filter, focus ring, primary buttons.
 * @cssproperty --receipts-color-on-accent - Text on the accent colour.
 * @cssproperty --receipts-color-danger - Failures and sign-out buttons.
 * @cssproperty --receipts-color-on-danger - Text on the danger colour.
 * @cssproperty --receipts-color-danger-surface - Background of failed items and errors.
 * @cssproperty --receipts-color-warning-surface - Background of the alerts banner and support bar.
 * @cssproperty --receipts-color-verified - The mark of entries checked against the log.
 * @cssproperty --receipts-radius - Corner radius. Default: `8px`.
 */
export class ActivityLog extends LitElement {
  static override styles = styles;

  static override properties = {
    api: {},
    token: {},
    locale: {},
    view: {},
    mode: {},
    userId: { attribute: 'user-id' },
    logKey: { attribute: 'log-key' },
    tokenProvider: { attribute: false },
    i18n: { state: true },
    now: { state: true },
    ticket: { state: true },
    reasonError: { state: true },
    confirm: { state: true },
    confirmBusy: { state: true },
    confirmError: { state: true },
    notice: { state: true },
    reports: { state: true },
    downloading: { state: true },
    downloadError: { state: true },
    acking: { state: true },
    privacy: { state: true },
    privacyStatus: { state: true },
    verification: { state: true },
    supportUi: { state: true },
    secureAccountUrl: { attribute: 'secure-account-url' },
    alertsUi: { state: true },
    devicesUi: { state: true },
    sessionsUi: { state: true },
  };

  /** Base URL of the Receipts server; '' is the page's own origin. */
  declare api: string;
  /** Widget token; when empty, `tokenProvider` is asked for one. */
  declare token: string;
  declare locale: string;
  declare view: View;
  declare mode: Mode;
  declare userId: string;
  /** The log's verifier key; when set, the events shown are checked against the log in the browser. */
  declare logKey: string;
  /** The host's own page for changing the password, offered after "No, this wasn't me". */
  declare secureAccountUrl: string;
  /** Called for a fresh token on a 401 (and first, when there is no token); the request is retried once. */
  declare tokenProvider: (() => Promise<string>) | undefined;

  declare private i18n: I18n;
  declare private now: number;
  declare private ticket: string;
  declare private reasonError: MessageKey | null;
  declare private confirm: Confirm | null;
  declare private confirmBusy: boolean;
  declare private confirmError: ApiError | undefined;
  declare private notice: string;
  declare private reports: ReadonlyMap<string, ReportState>;
  declare private downloading: ExportFormat | null;
  declare private downloadError: ApiError | undefined;
  declare private acking: ReadonlySet<string>;
  /** The Privacy view's code, loaded the first time it is shown. */
  declare private privacy: PrivacyModule | undefined;
  declare private privacyStatus: 'idle' | 'loading' | 'error';
  /** The Devices view's code, loaded the first time it is shown. */
  declare private devicesUi: DevicesModule | undefined;
  /** The Sessions view's code and its confirmations, loaded the first time it is shown. */
  declare private sessionsUi: SessionsModule | undefined;
  /** The alerts card's code, loaded when there is an alert to show. */
  declare private alertsUi: AlertsUi | undefined;
  /** Support mode's ticket form and bar, loaded the first time support mode is used. */
  declare private supportUi: SupportModule | undefined;
  /** The log check's code, loaded when `log-key` is set. */
  declare private verification: LogVerification | undefined;

  readonly #client = new ApiClient();
  readonly #feed = new ActivityFeed(
    this,
    (query, signal) => this.#client.json<Page<ActivityItem>>(`activity?${query}`, { signal }),
    (error) => this.#fail(error),
  );
  readonly #sessions = this.#loader(
    async (signal) => (await this.#list<SessionView>('sessions', signal)).items,
  );
  readonly #devices = this.#loader(async (signal) => (await this.#list<DeviceView>('devices', signal)).items);
  readonly #alerts = this.#loader(async (signal) => (await this.#list<AlertView>('alerts', signal)).items);
  readonly #erasure = this.#loader((signal) => this.#client.json<ErasureView>('erasure', { signal }));
  readonly #live = new LiveController(this, {
    open: (signal) => this.#client.send('stream', { signal, accept: 'text/event-stream' }),
    onMessage: (message) => this.#handleStream(message),
    poll: () => this.#poll(),
    onOpen: () => this.#recover(),
  });
  /** What the loaded data belongs to; when it changes, everything shown is dropped. */
  #scope = '';
  #returnFocus: HTMLElement | undefined;
  /** The row (by key) and control that had focus before an update; see #keepFocus. */
  #focused: { key: string; part: string } | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.api = '';
    this.token = '';
    this.locale = '';
    this.view = 'activity';
    this.mode = 'user';
    this.userId = '';
    this.logKey = '';
    this.secureAccountUrl = '';
    this.tokenProvider = undefined;
    this.i18n = new I18n();
    this.now = Date.now();
    this.ticket = '';
    this.reasonError = null;
    this.confirm = null;
    this.confirmBusy = false;
    this.confirmError = undefined;
    this.notice = '';
    this.reports = new Map();
    this.downloading = null;
    this.downloadError = undefined;
    this.acking = new Set();
    this.privacy = undefined;
    this.privacyStatus = 'idle';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this.#recover);
    // Moved in the DOM or re-attached: willUpdate restarts what disconnecting stopped.
    this.requestUpdate();
    this.#clock = setInterval(() => {
      this.now = Date.now();
    }, 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.#recover);
    clearInterval(this.#clock);
  }

  get #support(): boolean {
    return this.mode === 'support';
  }

  get #views(): readonly View[] {
    return this.#support ? SUPPORT_VIEWS : USER_VIEWS;
  }

  get #current(): View {
    return this.#views.includes(this.view) ? this.view : 'activity';
  }

  /** Credentials, and in support mode a user and a ticket: only then is anything fetched. */
  get #ready(): boolean {
    const credentials = Boolean(this.token || this.tokenProvider);
    return credentials && (!this.#support || Boolean(this.userId && this.ticket));
  }

  protected override willUpdate(changed: PropertyValues): void {
    const active = this.shadowRoot?.activeElement;
    const row = active?.closest<HTMLElement>('[data-key]');
    this.#focused = row
      ? { key: row.dataset.key ?? '', part: active?.getAttribute('part') ?? '' }
      : undefined;
    if (changed.has('locale')) void this.#loadLocale();
    if (changed.has('logKey')) this.#loadVerification();
    // A different person (or a different agent's view of them) needs a new ticket.
    if (changed.has('userId') || changed.has('mode')) this.ticket = '';
    const prefix = routePrefix(this.#support ? 'support' : 'user', this.userId);
    // Whose token: another person's must not see a single item of the first one's, even for a frame.
    const sub = this.token ? tokenSubject(this.token) : '';
    if (sub === undefined && changed.has('token')) {
      console.warn(
        '<activity-log>: `token` is not a widget token (a JWT of three base64url parts whose payload has `sub`); mint one with receipts/client.',
      );
    }
    const scope = `${this.api}\n${prefix}\n${this.ticket}\n${sub}`;
    if (scope !== this.#scope) {
      this.#scope = scope;
      this.#resetData();
    }
    const client = this.#client;
    client.base = this.api;
    client.prefix = prefix;
    client.reason = this.#support ? this.ticket : '';
    client.tokenProvider = this.tokenProvider;
    if (changed.has('token') || changed.has('tokenProvider')) {
      client.token = this.token;
      this.#retryFailed();
    }
    if (this.#ready && this.isConnected) {
      this.#ensure(this.#current);
      if (!this.#support) {
        if (this.#alerts.status === 'idle') void this.#alerts.run();
        this.#live.start();
      }
    } else {
      this.#live.stop();
    }
  }

  /** The dialog follows `confirm`: set, it opens; cleared, it closes (and its close event restores focus). */
  protected override updated(): void {
    this.#keepFocus();
    const dialog = this.#dialog;
    if (!dialog) return;
    if (this.confirm && !dialog.open) {
      dialog.showModal();
      // The safe choice gets focus; confirming takes a deliberate second step.
      dialog.querySelector<HTMLElement>('.cancel')?.focus();
    } else if (!this.confirm && dialog.open) {
      dialog.close();
    }
  }

  override render(): TemplateResult {
    const { i18n } = this;
    return html`<div part="base" lang=${i18n.tag}>
      ${this.#renderBody()}
      <div class="sr" role="status">${this.notice}</div>
      <dialog
        part="dialog"
        aria-labelledby="dialog-title"
        aria-describedby="dialog-body"
        @close=${this.#handleDialogClose}
        @cancel=${this.#handleDialogCancel}
      >
        ${
          this.confirm
            ? confirmContent({
                i18n,
                content: this.#confirmText(this.confirm),
                busy: this.confirmBusy,
                error: this.confirmError,
                onConfirm: () => void this.#handleConfirm(),
                onCancel: () => this.#closeConfirm(),
              })
            : nothing
        }
      </dialog>
    </div>`;
  }

  #renderBody(): TemplateResult {
    const { i18n } = this;
    const supportUi = this.supportUi;
    if (this.#support && !supportUi) {
      void import('./internal/support.js').then((module) => {
        this.supportUi = module;
      });
      return skeleton(i18n);
    }
    if (supportUi && this.#support && !this.userId) return empty(i18n.t('noUser'));
    if (supportUi && this.#support && !this.ticket) {
      return supportUi.reasonForm({ i18n, error: this.reasonError, onSubmit: (e) => this.#handleReason(e) });
    }
    const current = this.#current;
    return html`${
      supportUi && this.#support
        ? supportUi.supportBar({
            i18n,
            userId: this.userId,
            ticket: this.ticket,
            onChangeTicket: () => {
              this.ticket = '';
              void this.updateComplete.then(() => this.#focusIn('#reason'));
            },
            onRefresh: () => this.#reload(current),
          })
        : this.#renderAlerts()
    }
      ${
        this.#live.state === 'polling' || !navigator.onLine
          ? html`<p part="offline" class="meta" role="status">${i18n.t('offline')}</p>`
          : nothing
      }
      <div part="tabs" class="tabs" role="tablist" aria-label=${i18n.t('tabs')} @keydown=${this.#handleTabKey}>
        ${this.#views.map(
          (v) => html`<button
            part=${v === current ? 'tab tab-selected' : 'tab'}
            role="tab"
            id="tab-${v}"
            aria-selected=${v === current ? 'true' : 'false'}
            aria-controls="panel"
            tabindex=${v === current ? '0' : '-1'}
            @click=${() => this.#select(v)}
          >
            ${i18n.t(`tab_${v}`)}
          </button>`,
        )}
      </div>
      <div part="panel" class="panel" id="panel" role="tabpanel" aria-labelledby="tab-${current}" tabindex="0">
        ${this.#renderView(current)}
      </div>`;
  }

  #renderAlerts(): TemplateResult | typeof nothing {
    const ui = this.alertsUi;
    if (ui) return ui.shown ? ui.render() : nothing;
    if ((this.#alerts.value ?? []).some((a) => a.status === 'open')) {
      void import('./internal/alerts-card.js').then((module) => {
        this.alertsUi ??= new module.AlertsUi(this.#alertsHost());
      });
    }
    return nothing;
  }

  /** The alerts card's view of the component: what it shows, and the actions it may take. */
  #alertsHost(): ConstructorParameters<AlertsModule['AlertsUi']>[0] {
    const host = this;
    return {
      get i18n() {
        return host.i18n;
      },
      get now() {
        return host.now;
      },
      get secureAccountUrl() {
        return host.secureAccountUrl;
      },
      get busy() {
        return host.acking;
      },
      alerts: () => this.#alerts.value ?? [],
      sessionActive: (id) => this.#sessions.value?.some((s) => s.id === id) ?? true,
      ack: (alert) => this.#handleAck(alert),
      revoke: (id) => this.#revokeForAlert(id),
      requestUpdate: () => this.requestUpdate(),
    };
  }

  /** "No, this wasn't me", step 1: that session is signed out through the usual revocation. */
  async #revokeForAlert(id: string): Promise<boolean> {
    try {
      await this.#client.send(`sessions/${enc(id)}`, { method: 'DELETE' });
      this.#emit('session-revoked', { id });
    } catch (error) {
      // Already gone is what the user wanted; anything else leaves the step to try again.
      if (!(error instanceof ApiError && error.code === 'not_found')) {
        this.#fail(toApiError(error));
        return false;
      }
    }
    this.#refreshSessions();
    void this.#feed.refresh();
    return true;
  }

  #renderView(view: View): TemplateResult {
    const { i18n, now } = this;
    const onRetry = () => this.#reload(view);
    switch (view) {
      case 'sessions':
        if (!this.sessionsUi) {
          void import('./internal/sessions-view.js').then((module) => {
            this.sessionsUi = module;
          });
          return skeleton(i18n);
        }
        return this.sessionsUi.sessionsView({
          i18n,
          now,
          sessions: this.#sessions,
          support: this.#support,
          onRevoke: (session, trigger) => this.#openConfirm({ kind: 'revoke', session }, trigger),
          onRevokeOthers: (trigger) => this.#openConfirm({ kind: 'others' }, trigger),
          onRetry,
        });
      case 'devices':
        if (!this.devicesUi) {
          void import('./internal/devices-view.js').then((module) => {
            this.devicesUi = module;
          });
          return skeleton(i18n);
        }
        return this.devicesUi.devicesView({ i18n, now, devices: this.#devices, onRetry });
      case 'privacy':
        if (!this.privacy) {
          return this.privacyStatus === 'error'
            ? failure(i18n, new ApiError('network', 'The privacy view did not load'), () =>
                this.#loadPrivacy(),
              )
            : skeleton(i18n);
        }
        return this.privacy.privacyView({
          i18n,
          now,
          erasure: this.#erasure,
          downloading: this.downloading,
          downloadError: this.downloadError,
          onDownload: (format) => void this.#handleDownload(format),
          onErase: (trigger) => this.#openConfirm({ kind: 'erase' }, trigger),
          onCancelErase: () => void this.#cancelErase(),
          onRetry,
        });
      default:
        return activityView({
          i18n,
          now,
          feed: this.#feed,
          reports: this.reports,
          support: this.#support,
          verification: this.verification,
          onFilter: (kind) => this.#handleFilter(kind),
          onMore: () => void this.#handleMore(),
          onRetry,
          onReport: (item) => void this.#handleReport(item),
        });
    }
  }

  // ---- data ----------------------------------------------------------------------------------------

  #loader<T>(task: (signal: AbortSignal) => Promise<T>): Loader<T> {
    return new Loader(this, task, (error) => this.#fail(error));
  }

  #list<T>(path: string, signal: AbortSignal): Promise<{ items: T[] }> {
    return this.#client.json<{ items: T[] }>(path, { signal });
  }

  #ensure(view: View): void {
    if (view === 'privacy' && this.privacyStatus === 'idle' && !this.privacy) this.#loadPrivacy();
    const idle = {
      activity: this.#feed.status,
      sessions: this.#sessions.status,
      devices: this.#devices.status,
      privacy: this.#erasure.status,
    }[view];
    if (idle === 'idle') this.#reload(view);
  }

  #reload(view: View): void {
    if (view === 'activity') void this.#feed.load();
    else if (view === 'sessions') void this.#sessions.run();
    else if (view === 'devices') void this.#devices.run();
    else void this.#erasure.run();
  }

  #loadPrivacy(): void {
    this.privacyStatus = 'loading';
    import('./internal/privacy-view.js').then(
      (module) => {
        this.privacy = module;
        this.privacyStatus = 'idle';
      },
      () => {
        this.privacyStatus = 'error';
      },
    );
  }

  /** Replaces the log check when the key changes; without a key, none is loaded. */
  #loadVerification(): void {
    this.verification?.stop();
    this.verification = undefined;
    const key = this.logKey;
    if (!key) return;
    void import('./internal/verification-view.js').then((module) => {
      if (key !== this.logKey) return;
      this.verification = module.startVerification(this, {
        key,
        server: () => this.api,
        // What the feed shows: folded repeats and echoes are not rows of their own.
        items: () => fold(this.#feed.items).map((r) => r.item),
        fetchProof: (id, signal) => this.#client.json(`activity/${enc(id)}/proof`, { signal }),
        onError: (detail) => this.#emit('activity-error', detail),
      });
    });
  }

  #resetData(): void {
    this.#live.stop();
    this.verification?.reset();
    this.#feed.reset();
    for (const loader of [this.#sessions, this.#devices, this.#alerts, this.#erasure]) loader.reset();
    this.reports = new Map();
    this.alertsUi?.reset();
  }

  /** Back online, or the stream is up again: what failed is tried again, without a click. */
  #recover = (): void => {
    this.#retryFailed();
    this.requestUpdate();
  };

  /** After new credentials, what failed is tried again. */
  #retryFailed(): void {
    if (this.#feed.status === 'error') this.#feed.reset();
    for (const loader of [this.#sessions, this.#devices, this.#alerts, this.#erasure]) {
      if (loader.status === 'error') loader.reset();
    }
  }

  /** Quietly refreshes what is shown of sessions and devices (no-ops for what was never loaded). */
  #refreshSessions(): void {
    void this.#sessions.run(true);
    void this.#devices.run(true);
    // A signed-out session settles the alerts about it.
    void this.#alerts.run(true);
  }

  async #poll(): Promise<void> {
    this.now = Date.now();
    // Something failed while the server was away: once one small request gets through, try it again.
    const failed = [this.#feed, this.#sessions, this.#devices, this.#alerts, this.#erasure].some(
      (l) => l.status === 'error',
    );
    if (failed) {
      try {
        await this.#client.send('alerts');
        this.#recover();
      } catch {
        // Still away; the next round asks again.
      }
    }
    await Promise.all([
      this.#feed.refresh(),
      this.#alerts.run(true),
      this.#sessions.run(true),
      this.#devices.run(true),
    ]);
  }

  #handleStream(message: StreamMessage): void {
    this.now = Date.now();
    if (message.event === 'activity') {
      const item = message.data;
      if (this.#feed.add(item) && canReport(item)) {
        this.#announce(this.i18n.t('newSignin', { device: deviceLabel(item.device, this.i18n) }));
      }
      if (SESSION_TYPES.has(item.event_type)) this.#refreshSessions();
    } else if (message.event === 'sessions') {
      this.#refreshSessions();
    } else if (message.event === 'alert') {
      const others = (this.#alerts.value ?? []).filter((a) => a.id !== message.data.id);
      this.#alerts.set([message.data, ...others]);
    }
  }

  async #loadLocale(): Promise<void> {
    const requested = this.locale;
    const { tag, lang } = resolveLocale([requested, document.documentElement.lang, navigator.language]);
    if (tag === this.i18n.tag) return;
    try {
      const messages = await loadMessages(lang);
      if (this.locale === requested) this.i18n = new I18n(messages, tag, lang);
    } catch {
      // A catalog that fails to load leaves the English one: better understood than broken.
    }
  }

  // ---- actions -------------------------------------------------------------------------------------

  #select(view: View, focus = false): void {
    this.view = view;
    if (focus) void this.updateComplete.then(() => this.#focusIn(`#tab-${view}`));
  }

  #handleTabKey = (event: KeyboardEvent): void => {
    const move = TAB_KEYS[event.key];
    if (!move) return;
    event.preventDefault();
    const views = this.#views;
    const next = (move(views.indexOf(this.#current), views.length) + views.length) % views.length;
    this.#select(views[next] ?? 'activity', true);
  };

  #handleFilter(kind: FilterKind): void {
    if (kind !== this.#feed.kind || this.#feed.status === 'error') void this.#feed.load(kind);
  }

  async #handleMore(): Promise<void> {
    await this.#feed.more();
    await this.updateComplete;
    // The button goes away on the last page; keep keyboard focus inside the panel.
    if (!this.shadowRoot?.activeElement) this.#focusIn('#panel');
  }

  async #handleReport(item: ActivityItem): Promise<void> {
    if (this.reports.get(item.id) === 'pending') return;
    this.#setReport(item.id, 'pending');
    try {
      const result = await this.#client.json<ReportResult>(`activity/${enc(item.id)}/report`, {
        method: 'POST',
      });
      this.#setReport(item.id, result);
      if (result.revoked_session) this.#emit('session-revoked', { id: item.session ?? item.id });
      this.#refreshSessions();
      void this.#feed.refresh();
      await this.updateComplete;
      const results = this.renderRoot.querySelectorAll<HTMLElement>('[part~="report-result"]');
      [...results].find((el) => el.dataset.id === item.id)?.focus();
    } catch (error) {
      const failure = toApiError(error);
      this.#setReport(item.id, failure);
      this.#fail(failure);
    }
  }

  #setReport(id: string, state: ReportState): void {
    this.reports = new Map(this.reports).set(id, state);
  }

  /** "Yes, this was me"; true once the server has it (the card then confirms where the user looks). */
  async #handleAck(alert: AlertView): Promise<boolean> {
    if (this.acking.has(alert.id)) return false;
    this.acking = new Set(this.acking).add(alert.id);
    try {
      const updated = await this.#client.json<AlertView>(`alerts/${enc(alert.id)}/ack`, { method: 'POST' });
      this.#alerts.set((this.#alerts.value ?? []).map((a) => (a.id === alert.id ? updated : a)));
      return true;
    } catch (error) {
      this.#fail(toApiError(error));
      return false;
    } finally {
      const acking = new Set(this.acking);
      acking.delete(alert.id);
      this.acking = acking;
    }
  }

  async #handleDownload(format: ExportFormat): Promise<void> {
    if (this.downloading) return;
    this.downloading = format;
    this.downloadError = undefined;
    try {
      const res = await this.#client.send(`export?format=${format}`, {
        accept: format === 'csv' ? 'text/csv' : 'application/json',
      });
      await this.privacy?.saveExport(res, format, this.renderRoot);
    } catch (error) {
      this.downloadError = toApiError(error);
      this.#fail(this.downloadError);
    } finally {
      this.downloading = null;
    }
  }

  #handleReason(event: SubmitEvent): void {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('reason') as HTMLInputElement;
    this.reasonError = checkReason(input.value);
    if (this.reasonError) {
      input.focus();
      return;
    }
    this.ticket = input.value.trim();
    void this.updateComplete.then(() => this.#focusIn(`#tab-${this.#current}`));
  }

  // ---- confirmations -------------------------------------------------------------------------------

  get #dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  #confirmText(confirm: Confirm): ConfirmText {
    // Each confirmation is opened from its view, so that view's module is loaded by now.
    const text =
      confirm.kind === 'erase'
        ? this.privacy?.eraseText(this.i18n)
        : this.sessionsUi?.revokeText(this.i18n, confirm.kind === 'revoke' ? confirm.session : undefined);
    return text ?? { title: '', text: html``, action: '' };
  }

  #openConfirm(confirm: Confirm, trigger: HTMLElement): void {
    this.#returnFocus = trigger;
    this.confirmError = undefined;
    this.confirm = confirm;
  }

  #handleDialogCancel = (event: Event): void => {
    if (this.confirmBusy) event.preventDefault();
  };

  /**
   * Lists render without keys, so when a live item arrives above a focused button, that button now belongs
   * to another item. Focus follows the item it was on instead: pressing Enter must act on what was chosen.
   */
  #keepFocus(): void {
    const was = this.#focused;
    const active = this.shadowRoot?.activeElement;
    if (!was || active?.closest<HTMLElement>('[data-key]')?.dataset.key === was.key) return;
    const row = [...this.renderRoot.querySelectorAll<HTMLElement>('[data-key]')].find(
      (r) => r.dataset.key === was.key,
    );
    const same =
      row &&
      [...row.querySelectorAll<HTMLElement>('[part]')].find((e) => e.getAttribute('part') === was.part);
    same?.focus();
  }

  #closeConfirm(): void {
    this.confirm = null;
    this.confirmError = undefined;
  }

  /** Closed by us or by Escape: either way, focus goes back where it came from. */
  #handleDialogClose = async (): Promise<void> => {
    this.#closeConfirm();
    const target = this.#returnFocus;
    this.#returnFocus = undefined;
    await this.updateComplete;
    // Back to the button that opened the dialog; if the action removed it, to the panel it was in.
    if (target?.isConnected) target.focus();
    else this.#focusIn('#panel');
  };

  async #handleConfirm(): Promise<void> {
    const confirm = this.confirm;
    if (!confirm || this.confirmBusy) return;
    this.confirmBusy = true;
    this.confirmError = undefined;
    try {
      if (confirm.kind === 'revoke') await this.#revoke(confirm.session);
      else if (confirm.kind === 'others') await this.#revokeOthers();
      else await this.#erase();
      this.#closeConfirm();
    } catch (error) {
      this.confirmError = toApiError(error);
      this.#fail(this.confirmError);
    } finally {
      this.confirmBusy = false;
    }
  }

  async #revoke(session: SessionView): Promise<void> {
    const device = deviceLabel(session.device, this.i18n);
    try {
      await this.#client.send(`sessions/${enc(session.id)}`, { method: 'DELETE' });
      this.#announce(this.i18n.t('revokedOne', { device }));
      this.#emit('session-revoked', { id: session.id });
    } catch (error) {
      // Already gone is what the user wanted; anything else is a real failure.
      if (!(error instanceof ApiError && error.code === 'not_found')) throw error;
      this.#announce(this.i18n.t('revokedGone'));
    }
    this.#sessions.set((this.#sessions.value ?? []).filter((s) => s.id !== session.id));
    // Its row is gone, but rows render without keys: the trigger's node now shows the next session, so
    // focus must not go back to it (Enter would then aim at another device). The panel gets it instead.
    this.#returnFocus = undefined;
    this.#refreshSessions();
  }

  async #revokeOthers(): Promise<void> {
    const result = await this.#client.json<RevokeResult>('sessions/revoke-others', { method: 'POST' });
    this.#sessions.set((this.#sessions.value ?? []).filter((s) => s.current));
    this.#announce(this.i18n.count('revokedOthers', result.revoked));
    this.#emit('session-revoked', { others: result.revoked });
    this.#refreshSessions();
  }

  async #erase(): Promise<void> {
    const view = await this.#client.json<ErasureView>('erasure', { method: 'POST' });
    this.#erasure.set(view);
    this.#announce(this.i18n.t('eraseRequested'));
    this.#emit('erasure-requested', view);
    void this.#feed.refresh();
  }

  async #cancelErase(): Promise<void> {
    try {
      this.#erasure.set(await this.#client.json<ErasureView>('erasure', { method: 'DELETE' }));
      this.#announce(this.i18n.t('eraseCancelled'));
      void this.#feed.refresh();
      await this.updateComplete;
      this.#focusIn('[part~="erase-button"]');
    } catch (error) {
      this.#fail(toApiError(error));
    }
  }

  // ---- plumbing ------------------------------------------------------------------------------------

  #focusIn(selector: string): void {
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** Says something to screen readers through the status region; cleared first so repeats are heard. */
  #announce(message: string): void {
    this.notice = '';
    void this.updateComplete.then(() => {
      this.notice = message;
    });
  }

  #fail(error: ApiError): void {
    this.#emit('activity-error', { code: error.code, message: error.message, requestId: error.requestId });
  }

  #emit<K extends keyof ActivityLogEventDetails>(name: K, detail: ActivityLogEventDetails[K]): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
