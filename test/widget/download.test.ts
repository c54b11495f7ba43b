import { describe, expect, it } from 'vitest';
import { exportFilename } from '../../widget/internal/download.js';

const NOW = new Date('2026-04-01T23:59:00Z');

describe('exportFilename', () => {
  it("should use the server's name when it has the right extension", () => {
    expect(exportFilename('attachment; filename="activity-2026-03-31.csv"', 'csv', NOW)).toBe(
      'activity-2026-03-31.csv',
    );
    expect(exportFilename('attachment; filename=receipts.json', 'json', NOW)).toBe('receipts.json');
  });

  it('should fall back to activity-<UTC date>.<format> without a usable header', () => {
    expect(exportFilename(null, 'csv', NOW)).toBe('activity-2026-04-01.csv');
    expect(exportFilename('attachment', 'json', NOW)).toBe('activity-2026-04-01.json');
  });

  it('should not accept a name with the wrong extension', () => {
    expect(exportFilename('attachment; filename="activity.json"', 'csv', NOW)).toBe(
      'activity-2026-04-01.csv',
    );
  });

  it('should refuse folders, hidden files and odd characters', () => {
    expect(exportFilename('attachment; filename="../../etc/passwd.csv"', 'csv', NOW)).toBe(
      'activity-2026-04-01.csv',
    );
    expect(exportFilename('attachment; filename="evil/x.csv"', 'csv', NOW)).toBe('activity-2026-04-01.csv');
    expect(exportFilename('attachment; filename=".bashrc.csv"', 'csv', NOW)).toBe('activity-2026-04-01.csv');
    expect(exportFilename('attachment; filename="a<b>.csv"', 'csv', NOW)).toBe('activity-2026-04-01.csv');
  });
});
