// The confirmation dialog's content. Opening it, moving focus in and back, lives in the component.
import { html, nothing, type TemplateResult } from 'lit';
import type { SessionView } from '../../shared/api.js';
import type { ApiError } from './api.js';
import { errorKey } from './describe.js';
import type { I18n } from './i18n.js';

export type Confirm = { kind: 'revoke'; session: SessionView } | { kind: 'others' } | { kind: 'erase' };

export interface ConfirmText {
  title: string;
  text: TemplateResult;
  action: string;
}

export interface ConfirmProps {
  i18n: I18n;
  content: ConfirmText;
  busy: boolean;
  error: ApiError | undefined;
  onConfirm(): void;
  onCancel(): void;
}

export function confirmContent(p: ConfirmProps): TemplateResult {
  const { i18n, content } = p;
  return html`<h2 id="dialog-title">${content.title}</h2>
    <div id="dialog-body">${content.text}</div>
    ${p.error ? html`<p class="error-text" role="alert">${i18n.t(errorKey(p.error.code))}</p>` : nothing}
    <div class="actions">
      <button part="button cancel-button" class="cancel" @click=${p.onCancel}>${i18n.t('cancel')}</button>
      <button
        part="button confirm-button"
        class="danger"
        aria-disabled=${p.busy ? 'true' : 'false'}
        @click=${p.onConfirm}
      >
        ${p.busy ? i18n.t('loading') : content.action}
      </button>
    </div>`;
}
