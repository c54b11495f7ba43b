// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are source code under test
import { describe, expect, it } from 'vitest';
import { minifyTemplates } from '../../widget/build/minify-templates.js';

describe('minifyTemplates', () => {
  it('should collapse indentation in html templates to single spaces', () => {
    const code = 'const t = html`<ul>\n    <li>${a}</li>\n    <li>b</li>\n  </ul>`;';
    expect(minifyTemplates(code)).toBe('const t = html`<ul> <li>${a}</li> <li>b</li> </ul>`;');
  });

  it('should leave expressions alone, including strings and nested templates', () => {
    const code = [
      'html`<p>\n  ${x ? html`<b>\n  yes</b>` : "a `quoted` } brace"}\n  ${{ a: 1 }.a}\n</p>`',
      'const plain = `keep\n  this`;',
    ].join('\n');
    expect(minifyTemplates(code)).toBe(
      [
        'html`<p> ${x ? html`<b> yes</b>` : "a `quoted` } brace"} ${{ a: 1 }.a} </p>`',
        'const plain = `keep\n  this`;',
      ].join('\n'),
    );
  });

  it('should not touch untagged templates or escaped backticks', () => {
    const code = 'const s = `a\n  b`; const h = html`<i>\\`\n  x</i>`;';
    expect(minifyTemplates(code)).toBe('const s = `a\n  b`; const h = html`<i>\\` x</i>`;');
  });

  it('should minify css but keep selectors meaning the same', () => {
    const code = 'css`\n  time:hover .tip,\n  a > b {\n    color: red; /* why */\n    margin: 0 1px;\n  }\n`';
    expect(minifyTemplates(code)).toBe('css` time:hover .tip,a>b{color: red;margin: 0 1px}`');
  });

  it('should return code it cannot scan unchanged', () => {
    const code = 'const x = 1;\nconst y = "html`";';
    expect(minifyTemplates(code)).toBe(code);
  });
});
