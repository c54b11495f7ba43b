// Whether the store can take writes. A full disk (or quota) makes SQLite refuse a commit with SQLITE_FULL:
// nothing of that transaction is acknowledged, so clients are told to come back (503 + Retry-After), and
// /healthz says the store cannot write until a probe shows there is room again.
import { closeSync, fsyncSync, openSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Free space below this makes the store count as full: SQLite needs room for the WAL and a checkpoint. */
const RESERVE_BYTES = 1024 * 1024;
const PROBE_BYTES = 256 * 1024;

// 53100 is PostgreSQL's disk_full.
const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT', '53100']);

/** True for an error that says the disk (or the database's quota) is full. */
export function isStoreFull(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && FULL_CODES.has(code);
}

/** Refused up front while the store is full (see StoreHealth.refusing): answered like SQLite's own refusal. */
export class StoreFullError extends Error {
  readonly code = 'ENOSPC';
  constructor() {
    super('the store has no space left');
  }
}

/** How often, while full, a write looks again for room (statfs and a probe write). */
const RECHECK_MS = 1000;

export class StoreHealth {
  private full = false;
  private lookedAt = 0;

  /** `dbPath`: the SQLite file; null on PostgreSQL, whose disk is the database server's to watch. */
  constructor(private readonly dbPath: string | null) {}

  /** A write failed for want of space. */
  markFull(): void {
    this.full = true;
  }

  /**
   * True while writes are refused: one failed for want of space, and no room has been seen since. Checked
   * before a write, so that a small one does not slip into space SQLite happens to have free (a WAL started
   * over) while the disk stays full and /healthz says so.
   */
  refusing(): boolean {
    if (!this.full) return false;
    const now = Date.now();
    if (now - this.lookedAt >= RECHECK_MS) {
      this.lookedAt = now;
      this.problem();
    }
    return this.full;
  }

  /** Null when the store can write, else the reason it cannot. */
  problem(): string | null {
    if (this.dbPath === null) return null;
    const dir = dirname(this.dbPath);
    try {
      const fs = statfsSync(dir);
      if (fs.bavail * fs.bsize < RESERVE_BYTES) return 'the store cannot write: no space left on its disk';
    } catch {
      // No statfs here (or the directory is gone): the probe below decides.
    }
    if (!this.full) return null;
    // A write failed earlier: room is back only if a file of some size can be written and synced.
    const probe = join(dir, `.receipts-space-probe-${process.pid}`);
    try {
      const fd = openSync(probe, 'w');
      try {
        writeSync(fd, Buffer.alloc(PROBE_BYTES));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.full = false;
      return null;
    } catch {
      return 'the store cannot write: no space left on its disk';
    } finally {
      try {
        unlinkSync(probe);
      } catch {
        // never created
      }
    }
  }
}
