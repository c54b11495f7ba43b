// Counters for `GET /metrics` (Prometheus text format).

export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly help = new Map<string, string>();

  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    const key = `${name}${formatLabels(labels)}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  describe(name: string, help: string): void {
    this.help.set(name, help);
  }

  render(gauges: Record<string, number> = {}): string {
    const lines: string[] = [];
    const seen = new Set<string>();
    for (const [key, value] of [...this.counters].sort()) {
      const name = key.replace(/\{.*$/, '');
      if (!seen.has(name)) {
        seen.add(name);
        if (this.help.has(name)) lines.push(`# HELP ${name} ${this.help.get(name)}`);
        lines.push(`# TYPE ${name} counter`);
      }
      lines.push(`${key} ${value}`);
    }
    for (const [name, value] of Object.entries(gauges)) {
      lines.push(`# TYPE ${name} gauge`, `${name} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
}
