// custom-elements.json for hosts and editors: `npx cem analyze --config widget/build/cem.config.mjs`.
// The public surface only: the class JSDoc's events, parts and custom properties, and public attributes.

/** Drops what the Lit plugin reads from internals: private state, `#private` members, dispatch helpers. */
const publicSurface = {
  name: 'receipts-public-surface',
  packageLinkPhase({ customElementsManifest }) {
    for (const mod of customElementsManifest.modules) {
      for (const declaration of mod.declarations ?? []) {
        if (declaration.members) {
          declaration.members = declaration.members.filter(
            (m) => m.privacy !== 'private' && !m.name.startsWith('#'),
          );
        }
        const fields = new Set((declaration.members ?? []).map((m) => m.name));
        if (declaration.attributes) {
          declaration.attributes = declaration.attributes.filter(
            (a) => !a.fieldName || fields.has(a.fieldName),
          );
        }
        if (declaration.events) {
          // Events come from the JSDoc `@event` tags; the generic emit helper adds a nameless one.
          declaration.events = declaration.events.filter((e) => e.description);
        }
      }
    }
  },
};

export default {
  globs: ['widget/activity-log.ts', 'widget/activity-log.component.ts'],
  outdir: '.',
  litelement: true,
  plugins: [publicSurface],
};
