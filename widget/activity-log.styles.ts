// Styles of <activity-log>. Every colour comes from a `--receipts-*` property with a fallback that meets
// WCAG AA contrast in both the light and the dark scheme. (Whitespace is collapsed at build time.)
import { css } from 'lit';

export const styles = css`
  :host {
    --_text: var(--receipts-color-text, #1f2328);
    --_muted: var(--receipts-color-muted, #59636e);
    --_bg: var(--receipts-color-background, #fff);
    --_surface: var(--receipts-color-surface, #f6f8fa);
    --_border: var(--receipts-color-border, #d1d9e0);
    --_accent: var(--receipts-color-accent, #0969da);
    --_on-accent: var(--receipts-color-on-accent, #fff);
    --_danger: var(--receipts-color-danger, #c4202b);
    --_on-danger: var(--receipts-color-on-danger, #fff);
    --_danger-surface: var(--receipts-color-danger-surface, #fff0ee);
    --_warning-surface: var(--receipts-color-warning-surface, #fff8c5);
    --_radius: var(--receipts-radius, 8px);
    display: block;
    color: var(--_text);
    background: var(--_bg);
    font: var(--receipts-font, 0.9375rem/1.5 system-ui, sans-serif);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_text: var(--receipts-color-text, #f0f6fc);
      --_muted: var(--receipts-color-muted, #9ea7b3);
      --_bg: var(--receipts-color-background, #0d1117);
      --_surface: var(--receipts-color-surface, #161b22);
      --_border: var(--receipts-color-border, #3d444d);
      --_accent: var(--receipts-color-accent, #58a6ff);
      --_on-accent: var(--receipts-color-on-accent, #0d1117);
      --_danger: var(--receipts-color-danger, #ff7b72);
      --_on-danger: var(--receipts-color-on-danger, #0d1117);
      --_danger-surface: var(--receipts-color-danger-surface, #2d1416);
      --_warning-surface: var(--receipts-color-warning-surface, #2e2607);
    }
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
    margin: 0;
  }
  h2,
  h3 {
    font-size: 1rem;
    margin: 1rem 0 0.5rem;
  }
  ul {
    padding: 0;
    list-style: none;
  }
  .sr,
  .tip {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  button,
  input,
  .button {
    font: inherit;
    color: inherit;
    min-height: 2.25rem;
    padding: 0.375rem 0.875rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_surface);
  }
  button {
    cursor: pointer;
    font-weight: 500;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .primary,
  [aria-pressed='true'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  .danger {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_on-danger);
  }
  .danger-outline {
    color: var(--_danger);
    background: var(--_bg);
    border-color: currentColor;
  }
  .button {
    display: inline-flex;
    align-items: center;
    text-decoration: none;
  }
  .toggle {
    display: flex;
    gap: 0.5rem;
    width: 100%;
    background: none;
    border: 0;
    text-align: start;
  }
  .quiet {
    background: none;
    border-color: transparent;
    color: var(--_accent);
    text-decoration: underline;
  }
  /* Tabs wrap onto a second line in a narrow container: every one stays visible, none is cut. */
  .tabs {
    display: flex;
    flex-wrap: wrap;
    border-bottom: 1px solid var(--_border);
  }
  [role='tab'] {
    white-space: nowrap;
    background: none;
    border: 0;
    border-bottom: 2px solid transparent;
    border-radius: 0;
    color: var(--_muted);
  }
  [aria-selected='true'] {
    color: var(--_text);
    border-color: var(--_accent);
  }
  .panel {
    padding: 1rem 0;
  }
  .filters,
  .actions,
  .row,
  .support-bar,
  .alert {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    gap: 0.5rem;
  }
  .row {
    flex-wrap: nowrap;
    gap: 0.75rem;
    padding: 0.75rem;
    border-bottom: 1px solid var(--_border);
  }
  .failed {
    background: var(--_danger-surface);
    box-shadow: inset 3px 0 var(--_danger);
  }
  .fresh {
    animation: fresh 2s ease-out;
  }
  @keyframes fresh {
    from {
      background: var(--_warning-surface);
    }
  }
  .icon {
    color: var(--_muted);
  }
  .failed .icon,
  .bad,
  .error-text {
    color: var(--_danger);
  }
  .main {
    flex: 1;
    min-width: 0;
  }
  .what {
    font-weight: 500;
  }
  .meta,
  .intro,
  .empty {
    color: var(--_muted);
    font-size: 0.875rem;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    column-gap: 0.75rem;
  }
  a {
    color: var(--_accent);
  }
  /* Japanese breaks between words and phrases, not inside them; long runs still break rather than overflow. */
  :lang(ja) {
    word-break: keep-all;
    line-break: strict;
    overflow-wrap: anywhere;
  }
  .badge {
    white-space: nowrap;
    display: inline-block;
    margin-inline-start: 0.25rem;
    padding: 0 0.5rem;
    border: 1px solid;
    border-radius: 1rem;
    font-size: 0.75rem;
  }
  time {
    white-space: nowrap;
    position: relative;
    text-decoration: underline dotted;
  }
  time:hover .tip,
  time:focus .tip {
    clip-path: none;
    width: max-content;
    max-width: 20rem;
    height: auto;
    white-space: normal;
    z-index: 1;
    top: 100%;
    left: 0;
    padding: 0.25rem 0.5rem;
    border-radius: 4px;
    background: var(--_text);
    color: var(--_bg);
  }
  .tip .sr {
    display: none;
  }
  .day h2 {
    color: var(--_muted);
    text-transform: uppercase;
    font-size: 0.75rem;
  }
  .panel > button,
  .block button,
  .error button {
    margin-top: 1rem;
  }
  .error,
  .next,
  .support-bar,
  .banner {
    padding: 0.75rem;
    border-radius: var(--_radius);
    margin: 0.5rem 0;
    background: var(--_danger-surface);
  }
  .banner,
  .support-bar {
    background: var(--_warning-surface);
    align-items: center;
  }
  .support-bar p {
    flex: 1;
  }
  .block + .block {
    margin-top: 1.5rem;
  }
  .block p {
    margin: 0.25rem 0;
  }
  label {
    display: block;
    margin-top: 1rem;
    font-weight: 600;
  }
  input {
    width: min(100%, 20rem);
    background: var(--_bg);
    border-color: var(--_muted);
  }
  .bone {
    height: 3rem;
    margin-bottom: 0.75rem;
    border-radius: var(--_radius);
    background: var(--_surface);
    animation: pulse 1.5s infinite;
  }
  @keyframes pulse {
    50% {
      opacity: 0.5;
    }
  }
  dialog {
    margin: auto;
    max-width: min(32rem, 100vw - 2rem);
    padding: 1.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    color: var(--_text);
    background: var(--_bg);
  }
  dialog::backdrop {
    background: #0008;
  }
  dialog ul {
    padding-inline-start: 1.25rem;
    list-style: disc;
  }
  dialog .actions {
    justify-content: flex-end;
    margin-top: 1.5rem;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
    }
  }
`;
