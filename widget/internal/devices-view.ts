// The Devices view: each device the account was used from, first and last seen. Loaded on demand, with
// its English: the entry has a size budget.
import { html, type TemplateResult } from 'lit';
import type { DeviceView } from '../../shared/api.js';
import enDevices from '../i18n/en-devices.js';
import { empty, failure, skeleton, timeAgo, where } from './common.js';
import { deviceLabel } from './describe.js';
import { shortDate } from './format.js';
import { addEnglish, fill, type I18n } from './i18n.js';
import { deviceIcon } from './icons.js';
import type { Loader } from './loader.js';

addEnglish(enDevices);

export interface DevicesViewProps {
  i18n: I18n;
  now: number;
  devices: Loader<DeviceView[]>;
  onRetry(): void;
}

export function devicesView(p: DevicesViewProps): TemplateResult {
  const { i18n, devices } = p;
  if (devices.status === 'error') return failure(i18n, devices.error, p.onRetry);
  if (devices.status !== 'ready' || !devices.value) return skeleton(i18n);
  if (devices.value.length === 0) return empty(i18n.t('emptyDevices'));
  return html`<ul role="list">
    ${devices.value.map(
      (d) => html`<li part="device-row" class="row">
        <span class="icon">${deviceIcon(d.device.type)}</span>
        <div class="main">
          <p class="what">${deviceLabel(d.device, i18n)}</p>
          <p class="meta">
            ${where(d, i18n)}
            <span>${fill(i18n.t('lastSeen'), { time: timeAgo(d.last_seen, p.now, i18n) })}</span>
            <span>${i18n.t('firstSeen', { time: shortDate(d.first_seen, i18n.tag) })}</span>
            <span>${i18n.count('sessionCount', d.sessions)}</span>
          </p>
        </div>
      </li>`,
    )}
  </ul>`;
}
