// Alert rules, evaluated as each event is appended. Each rule reads a small indexed window (rule_hits),
// so the cost per event stays flat however large the log grows.
import { createHmac } from 'node:crypto';
import type { AlertSeverity } from '../../shared/api.js';
import type { RulesConfig } from '../config.js';
import { presentDevice } from '../derive/device-names.js';
import type { Applied, Derived, Deriver, OwnEvent } from '../ingest/pipeline.js';
import type { Db } from '../store/sql.js';
import type { RuleHitBuffer } from '../store/windows.js';
import { placeFrom } from '../views/place.js';
import type { AlertDraft, AlertRaiser } from './raise.js';

const MINUTE = 60_000;

/** Events that always raise an alert, and how serious each is. */
export const ALWAYS: ReadonlyMap<string, { severity: AlertSeverity; summary: string }> = new Map([
  ['account_locked', { severity: 'high', summary: 'The account was locked' }],
  ['mfa_disabled', { severity: 'high', summary: 'Two-factor authentication was turned off' }],
  ['permission_granted', { severity: 'medium', summary: 'A permission was granted' }],
  ['backup_failed', { severity: 'high', summary: 'A backup failed' }],
  [
    'dependency_vulnerability_detected',
    { severity: 'high', summary: 'A vulnerable dependency was detected' },
  ],
  ['suspicious_pattern_detected', { severity: 'high', summary: 'A suspicious pattern was detected' }],
  ['database_migration_run', { severity: 'low', summary: 'A database migration ran in production' }],
]);

const CREDENTIAL_FIELDS = new Set(['email', 'password', 'email_address', 'phone']);

export interface RuleDeps {
  config: RulesConfig;
  production: boolean;
  pepper: Buffer;
  raiser: AlertRaiser;
  /** The windows, with the hits this job added still in memory. */
  windows: RuleHitBuffer;
  /** The latest network of the session with this ref: where an event without an address came from. */
  sessionNetwork?: (tx: Db, ref: string) => Promise<string | null>;
}

type Raise = (draft: Omit<AlertDraft, 'at'>) => Promise<void>;

/**
 * The rules as a deriver: windows are read and written inside the event's transaction; new alerts come
 * back as `alert_raised` events to record after the event and as notices for the account's live stream.
 */
export function alertRules(deps: RuleDeps): Deriver {
  const evaluate = rules(deps);
  return async function evaluateRules(applied: Applied, tx: Db): Promise<Derived | undefined> {
    const record: OwnEvent[] = [];
    const alerts: { subject: string; id: string }[] = [];
    // Alerts concern the session that acted, so that signing it out settles them.
    const sessionId = applied.session?.id ?? null;
    const at = applied.prepared.event.ts;
    await evaluate(applied, tx, async (draft) => {
      const raised = await deps.raiser.raise(tx, { sessionId, ...draft, at });
      if (!raised.record) return; // folded into an alert already announced
      record.push(raised.record);
      if (draft.subject) alerts.push({ subject: draft.subject, id: raised.id });
    });
    return record.length > 0 ? { record, alerts } : undefined;
  };
}

function rules(deps: RuleDeps) {
  const { config, windows } = deps;
  // Source addresses are keyed by an HMAC: the rules never keep a raw IP.
  const ipKey = (ip: string) => `ip:${createHmac('sha256', deps.pepper).update(ip).digest('base64url')}`;

  return async function check(applied: Applied, tx: Db, raise: Raise): Promise<void> {
    const e = applied.prepared.event;
    const subject = applied.appended.subject;
    const id = applied.appended.id;
    const net = applied.prepared.ipNet;
    const ip = e.personal?.ip ?? null;

    const always = ALWAYS.get(e.eventType);
    if (config.always.enabled && always && (e.eventType !== 'database_migration_run' || deps.production)) {
      await raise({
        rule: e.eventType,
        severity: always.severity,
        subject,
        userId: e.userId,
        key: subject ?? e.eventType,
        summary: always.summary,
        eventIds: [id],
      });
    }

    if (e.eventType === 'login_failure') {
      const rule = config.failuresPerIp;
      if (rule.enabled && ip) {
        const key = ipKey(ip);
        windows.add('failure_ip', key, e.ts, id, subject);
        const hits = await windows.between(tx, 'failure_ip', key, e.ts - rule.windowMinutes * MINUTE, e.ts);
        if (hits.length > rule.threshold) {
          const accounts = new Set(hits.map((h) => h.net).filter(Boolean)).size;
          await raise({
            rule: 'failures_per_ip',
            severity: accounts > 1 ? 'high' : 'medium',
            subject: null,
            userId: null,
            key,
            summary: `${hits.length} failed sign-ins from ${net} within ${rule.windowMinutes} minutes, against ${accounts} account(s)`,
            params: { count: hits.length, minutes: rule.windowMinutes, network: net, accounts },
            eventIds: hits.slice(-50).map((h) => h.event_id),
            details: { network: net, accounts },
          });
        }
      }
      const perAccount = config.failuresPerAccount;
      if (perAccount.enabled && subject) {
        windows.add('failure_account', subject, e.ts, id, net);
        const hits = await windows.between(
          tx,
          'failure_account',
          subject,
          e.ts - perAccount.windowMinutes * MINUTE,
          e.ts,
        );
        if (hits.length > perAccount.threshold) {
          await raise({
            rule: 'failures_per_account',
            severity: 'medium',
            subject,
            userId: e.userId,
            key: subject,
            summary: `${hits.length} failed sign-ins to this account within ${perAccount.windowMinutes} minutes`,
            params: { count: hits.length, minutes: perAccount.windowMinutes },
            sessionId: null,
            eventIds: hits.slice(-50).map((h) => h.event_id),
          });
        }
      }
      return;
    }

    if (!subject) return;

    if (e.eventType === 'password_change') windows.add('credential_change', subject, e.ts, id);
    if (e.eventType === 'profile_update') {
      const field = (e.metadata as Record<string, unknown> | null)?.field;
      if (typeof field === 'string' && CREDENTIAL_FIELDS.has(field))
        windows.add('credential_change', subject, e.ts, id);
    }

    if (e.eventType === 'login_success' && e.outcome !== 'failure') {
      const history = await windows.hasHistory(tx, subject, e.ts);
      const lookback = config.newNetworkExport.lookbackDays * 1440 * MINUTE;
      const newNetwork =
        net !== null && history && !(await windows.usedNetwork(tx, subject, net, e.ts - lookback, e.ts));

      // A device never seen, from a network the account does not use: worth a notice. A second device
      // at home (a known network) is not.
      if (config.newDevice.enabled && applied.newDevice && newNetwork && applied.prepared.device) {
        const d = presentDevice(applied.prepared.device);
        const place = placeFrom(applied.prepared.location);
        await raise({
          rule: 'new_device',
          severity: 'notice',
          subject,
          userId: e.userId,
          key: `${subject}:${applied.deviceId}`,
          summary: `New sign-in from ${d.browser ?? 'a browser'} on ${d.name ?? d.os ?? 'an unknown system'} (${net})`,
          params: {
            browser: d.browser,
            os: d.os,
            kind: d.kind ?? null,
            name: d.name ?? null,
            network: net,
            country: place?.country ?? null,
            city: place?.city ?? place?.region ?? null,
          },
          eventIds: [id],
          details: { device: d, network: net },
        });
      }

      const two = config.twoNetworks;
      if (two.enabled && net) {
        const near = (
          await windows.between(
            tx,
            'signin',
            subject,
            e.ts - two.windowMinutes * MINUTE,
            e.ts + two.windowMinutes * MINUTE,
          )
        ).filter((h) => h.net !== null && h.net !== net);
        if (near.length > 0) {
          await raise({
            rule: 'two_networks',
            severity: 'medium',
            subject,
            userId: e.userId,
            key: subject,
            summary: `Sign-ins from two different networks (${near[0]!.net} and ${net}) within ${two.windowMinutes} minutes`,
            params: { first: near[0]!.net, second: net, minutes: two.windowMinutes },
            eventIds: [...near.map((h) => h.event_id), id],
            details: { networks: [near[0]!.net, net] },
          });
        }
      }
      windows.add('signin', subject, e.ts, id, net, newNetwork ? 1 : 0);
      return;
    }

    if (e.eventType === 'data_export' && config.newNetworkExport.enabled) {
      const rule = config.newNetworkExport;
      // Judge the session that exported, not the account's latest sign-in: an export from this device's
      // network says nothing about another session that signed in elsewhere.
      const acting =
        net ?? (e.sessionRef && deps.sessionNetwork ? await deps.sessionNetwork(tx, e.sessionRef) : null);
      if (!acting) return;
      const signin = (await windows.between(tx, 'signin', subject, e.ts - rule.windowMinutes * MINUTE, e.ts))
        .filter((h) => h.flag === 1 && h.net === acting)
        .pop();
      if (!signin) return;
      const changes = await windows.between(
        tx,
        'credential_change',
        subject,
        signin.ts - rule.credentialChangeHours * 60 * MINUTE,
        e.ts,
      );
      const critical = changes.length > 0;
      const minutes = Math.max(0, Math.round((e.ts - signin.ts) / 1000));
      await raise({
        rule: 'new_network_export',
        severity: critical ? 'critical' : 'high',
        subject,
        userId: e.userId,
        key: `${subject}:${signin.event_id}`,
        summary:
          `Data exported ${minutes} seconds after a sign-in from a network this account had not used (${signin.net})` +
          (critical ? ', shortly after the email or password changed' : ''),
        params: { seconds: minutes, network: signin.net, credential_changed: critical },
        eventIds: [...changes.map((c) => c.event_id), signin.event_id, id],
        details: { network: signin.net, credential_changed: critical },
      });
    }
  };
}
