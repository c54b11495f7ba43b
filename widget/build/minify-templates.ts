// Build-time only (never shipped): collapses the indentation inside the component's html``, svg`` and
// css`` tagged templates, which Vite's minifier must keep because it cannot know they are markup.
// Whitespace runs in HTML text render as one space, so collapsing them to one space changes nothing seen.

type Tag = 'html' | 'svg' | 'css' | null;
interface Edit {
  start: number;
  end: number;
  text: string;
}

const TAGGED = /(?<![\w$.])(html|svg|css)`/g;

function minifyPart(text: string, tag: Exclude<Tag, null>): string {
  if (tag !== 'css') return text.replace(/\s*\n\s*/g, ' ');
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/;}/g, '}');
}

function skipString(code: string, i: number): number {
  const quote = code[i];
  for (let j = i + 1; j < code.length; j++) {
    if (code[j] === '\\') j++;
    else if (code[j] === quote) return j + 1;
  }
  throw new Error('unterminated string');
}

/** Scans a template from just after its opening backtick; returns the index after the closing one. */
function scanTemplate(code: string, i: number, tag: Tag, edits: Edit[]): number {
  let partStart = i;
  const part = (end: number) => {
    if (tag) edits.push({ start: partStart, end, text: minifyPart(code.slice(partStart, end), tag) });
  };
  while (i < code.length) {
    const ch = code[i];
    if (ch === '\\') i += 2;
    else if (ch === '`') {
      part(i);
      return i + 1;
    } else if (ch === '$' && code[i + 1] === '{') {
      part(i);
      i = scanExpression(code, i + 2, edits);
      partStart = i;
    } else i++;
  }
  throw new Error('unterminated template literal');
}

/** Scans a `${…}` expression from just after `${`; returns the index after its closing brace. */
function scanExpression(code: string, i: number, edits: Edit[]): number {
  let depth = 0;
  while (i < code.length) {
    const ch = code[i];
    if (ch === "'" || ch === '"') i = skipString(code, i);
    else if (ch === '`') {
      const tag = (/(?<![\w$.])(html|svg|css)$/.exec(code.slice(Math.max(0, i - 5), i))?.[1] ?? null) as Tag;
      i = scanTemplate(code, i + 1, tag, edits);
    } else {
      if (ch === '{') depth++;
      else if (ch === '}' && depth-- === 0) return i + 1;
      i++;
    }
  }
  throw new Error('unterminated template expression');
}

/** The code with its tagged templates' whitespace collapsed; unchanged if it cannot be scanned safely. */
export function minifyTemplates(code: string): string {
  const edits: Edit[] = [];
  TAGGED.lastIndex = 0;
  try {
    for (let m = TAGGED.exec(code); m; m = TAGGED.exec(code)) {
      TAGGED.lastIndex = scanTemplate(code, TAGGED.lastIndex, m[1] as Tag, edits);
    }
  } catch {
    return code;
  }
  let out = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/** A Rolldown plugin applying `minifyTemplates` to the widget's own sources. */
export function minifyTemplatesPlugin() {
  return {
    name: 'receipts:minify-templates',
    transform(code: string, id: string) {
      if (!/[/\\]widget[/\\].*\.ts$/.test(id) || !TAGGED.test(code)) return null;
      return { code: minifyTemplates(code), map: null };
    },
  };
}
