// Requests that wait for the same group commit share one job in it: one duplicate check, one read-ahead of
// sessions and devices and one write of what changed for all their events, where separate jobs would pay
// for each of these once per request. Sixty-four single-event POSTs then cost about what one batch of
// sixty-four does.
//
// The outcome is that of separate jobs run one after another in arrival order. If the shared job fails,
// its savepoint is rolled back and each request runs again in a job of its own, so a bad one loses only
// itself.
import type { GroupCommit } from '../store/group-commit.js';
import type { Db } from '../store/sql.js';

/** Runs the parts of one shared job, in order, inside its transaction; one result per part. */
export type SharedWork<P, R> = (tx: Db, parts: readonly P[]) => Promise<R[]>;

interface Member<P, R> {
  part: P;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class SharedJobs<P, R> {
  /** The shared job queued for the next group and not started yet; later parts join it. */
  private open: Member<P, R>[] | null = null;
  private openSize = 0;

  /**
   * @param size how much a part weighs (its events); a shared job takes parts up to `limit`, so it is never
   * much larger than one full batch, whatever it is made of.
   */
  constructor(
    private readonly commit: GroupCommit,
    private readonly work: SharedWork<P, R>,
    private readonly size: (part: P) => number,
    private readonly limit: number,
  ) {}

  /** Resolves with the part's result once the transaction it ran in has committed. */
  run(part: P): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const weight = this.size(part);
      const member = { part, resolve, reject };
      if (this.open && this.openSize + weight <= this.limit) {
        this.open.push(member);
        this.openSize += weight;
        return;
      }
      const members = [member];
      this.open = members;
      this.openSize = weight;
      this.commit
        .run((tx) => {
          // Started: whatever arrives from now on waits for a job of its own.
          if (this.open === members) this.open = null;
          return this.work(
            tx,
            members.map((m) => m.part),
          );
        })
        .then(
          (results) => {
            for (const [i, m] of members.entries()) m.resolve(results[i] as R);
          },
          (error) => {
            if (members.length === 1) members[0]!.reject(error);
            else for (const m of members) this.alone(m);
          },
        );
    });
  }

  private alone(m: Member<P, R>): void {
    this.commit.run((tx) => this.work(tx, [m.part])).then((results) => m.resolve(results[0] as R), m.reject);
  }
}
