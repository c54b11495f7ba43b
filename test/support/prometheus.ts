// A strict parser of the Prometheus text exposition format (version 0.0.4), for tests that scrape
// `/metrics`: any line it cannot read, a sample before its family's TYPE, a family split in two, a
// repeated series or a histogram whose buckets do not add up is an error, not a skipped line.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<MetricType, string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export class ExpositionError extends Error {
  constructor(line: number, text: string, why: string) {
    super(`line ${line}: ${why}: ${JSON.stringify(text)}`);
  }
}

function parseValue(text: string): number | null {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : null;
}

/** Reads `{a="x",b="y"}` starting at `text[0] === '{'`; returns the labels and what follows. */
function parseLabels(text: string): { labels: Record<string, string>; rest: string } | null {
  const labels: Record<string, string> = {};
  let i = 1;
  const name = new RegExp(`^${LABEL}`);
  while (text[i] !== '}') {
    const m = name.exec(text.slice(i));
    if (!m) return null;
    const key = m[0];
    i += key.length;
    if (text[i] !== '=' || text[i + 1] !== '"') return null;
    i += 2;
    let value = '';
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch === '\n') return null;
      if (ch === '"') break;
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else return null;
        i += 2;
      } else {
        value += ch;
        i++;
      }
    }
    i++; // closing quote
    if (key in labels) return null;
    labels[key] = value;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return null;
  }
  return { labels, rest: text.slice(i + 1) };
}

function seriesKey(name: string, labels: Record<string, string>): string {
  return `${name}${JSON.stringify(Object.entries(labels).sort())}`;
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: Family | null = null;

  const familyOf = (sample: string): Family | null => {
    for (const f of families.values()) {
      if (SUFFIXES[f.type].some((suffix) => `${f.name}${suffix}` === sample)) return f;
    }
    return null;
  };
  const open = (name: string, n: number, line: string): Family => {
    let family = families.get(name);
    if (!family) {
      if (closed.has(name)) throw new ExpositionError(n, line, 'family appears twice');
      family = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, family);
    }
    if (current && current !== family) closed.add(current.name);
    if (closed.has(name)) throw new ExpositionError(n, line, 'family appears twice');
    current = family;
    return family;
  };

  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const n = index + 1;
      if (line === '') return;
      const meta = new RegExp(`^# (HELP|TYPE) (${NAME})(?: (.*))?$`).exec(line);
      if (meta) {
        const [, kind, name, rest = ''] = meta;
        const family = open(name!, n, line);
        if (kind === 'TYPE') {
          if (!TYPES.has(rest as MetricType)) throw new ExpositionError(n, line, 'unknown type');
          if (family.samples.length > 0) throw new ExpositionError(n, line, 'TYPE after samples');
          family.type = rest as MetricType;
        } else {
          family.help = rest.replace(/\\(n|\\)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
        }
        return;
      }
      if (line.startsWith('#')) return; // a plain comment
      const name = new RegExp(`^${NAME}`).exec(line)?.[0];
      if (!name) throw new ExpositionError(n, line, 'not a sample');
      let rest = line.slice(name.length);
      let labels: Record<string, string> = {};
      if (rest.startsWith('{')) {
        const parsed = parseLabels(rest);
        if (!parsed) throw new ExpositionError(n, line, 'bad labels');
        ({ labels, rest } = parsed);
      }
      const parts = rest.split(' ');
      if (parts[0] !== '' || parts.length < 2 || parts.length > 3)
        throw new ExpositionError(n, line, 'bad value');
      const value = parseValue(parts[1]!);
      if (value === null) throw new ExpositionError(n, line, 'bad value');
      if (parts[2] !== undefined && !/^-?\d+$/.test(parts[2]))
        throw new ExpositionError(n, line, 'bad timestamp');
      const family = familyOf(name) ?? open(name, n, line);
      if (family !== current) throw new ExpositionError(n, line, 'sample outside its family');
      const key = seriesKey(name, labels);
      if (series.has(key)) throw new ExpositionError(n, line, 'repeated series');
      series.add(key);
      if (name.endsWith('_bucket') && family.type === 'histogram' && !('le' in labels)) {
        throw new ExpositionError(n, line, 'bucket without le');
      }
      family.samples.push({ name, labels, value });
    });

  for (const family of families.values()) {
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;
}

/** Buckets are cumulative, end in +Inf, and +Inf equals _count, for every label set. */
function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (s.name.endsWith('_bucket')) group.buckets.push([parseValue(le!) ?? Number.NaN, s.value]);
    else if (s.name.endsWith('_count')) group.count = s.value;
  }
  for (const [key, g] of groups) {
    const where = `${family.name}${key}`;
    const sorted = [...g.buckets].sort((a, b) => a[0] - b[0]);
    sorted.forEach(([, v], i) => {
      if (i > 0 && v < sorted[i - 1]![1]) throw new Error(`${where}: buckets are not cumulative`);
    });
    const last = sorted.at(-1);
    if (!last || last[0] !== Number.POSITIVE_INFINITY) throw new Error(`${where}: no +Inf bucket`);
    if (g.count !== last[1]) throw new Error(`${where}: +Inf bucket differs from _count`);
  }
}

/** The value of one series, matching every given label; undefined when absent. */
export function seriesValue(
  families: Map<string, Family>,
  sample: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}

/** Fetches and parses `/metrics`. */
export async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(`${url}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parseExposition(await res.text());
}

/** The sum over every series of that sample name matching the given labels (0 when none). */
export function sumOf(
  families: Map<string, Family>,
  sample: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
    }
  }
  return sum;
}
