// Inline SVG icons (24×24, stroked in currentColor), decorative: the text next to them says the same.
import { html, type SVGTemplateResult, svg, type TemplateResult } from 'lit';
import type { DeviceType } from '../../shared/api.js';

const icon = (path: SVGTemplateResult): TemplateResult =>
  html`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round">${path}</svg>`;

const desktop = icon(svg`<path d="M3 4h18v12H3zM8 20h8m-4-4v4"/>`);
const phone = icon(svg`<path d="M7 2h10v20H7zm4 16h2"/>`);
const tablet = icon(svg`<path d="M4 3h16v18H4zm7 14h2"/>`);
const unknown = icon(
  svg`<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c4 4 4 14 0 18M12 3c-4 4-4 14 0 18"/>`,
);

export const warningIcon = icon(svg`<path d="M12 3 2 20h20zm0 7v4m0 3v1"/>`);

export function deviceIcon(type: DeviceType | null | undefined): TemplateResult {
  return type === 'mobile' || type === 'wearable'
    ? phone
    : type === 'tablet'
      ? tablet
      : type === 'desktop'
        ? desktop
        : unknown;
}
