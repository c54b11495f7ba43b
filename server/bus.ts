// Notifications after a commit: new activity, session changes and alerts, per subject (for the live stream).
// With several servers on one database, each notice also goes to the others through the store's
// coordination, so a stream held open on any server hears of a change made on another.
import { EventEmitter } from 'node:events';
import type { Coordination } from './store/coordination.js';

export interface ActivityNotice {
  subject: string;
  seq: number;
}
export interface SessionNotice {
  subject: string;
  sessionIds: string[];
}

type Notice =
  | { kind: 'activity'; n: ActivityNotice }
  | { kind: 'sessions'; n: SessionNotice }
  | { kind: 'alert'; subject: string; id: string };

export class Bus {
  private readonly emitter = new EventEmitter();
  private relay: Coordination | null = null;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Shares notices with the other servers on the same store. */
  connect(relay: Coordination): void {
    this.relay = relay;
    relay.onNotice((notice) => this.deliver(notice as Notice));
  }

  activity(n: ActivityNotice): void {
    this.send({ kind: 'activity', n: { subject: n.subject, seq: n.seq } });
  }
  sessions(n: SessionNotice): void {
    this.send({ kind: 'sessions', n: { subject: n.subject, sessionIds: n.sessionIds } });
  }
  alert(subject: string, alertId: string): void {
    this.send({ kind: 'alert', subject, id: alertId });
  }

  private send(notice: Notice): void {
    this.deliver(notice);
    this.relay?.publish(notice);
  }

  private deliver(notice: Notice): void {
    if (notice.kind === 'activity') this.emitter.emit(`activity:${notice.n.subject}`, notice.n);
    else if (notice.kind === 'sessions') this.emitter.emit(`sessions:${notice.n.subject}`, notice.n);
    else this.emitter.emit(`alert:${notice.subject}`, notice.id);
  }
  /** Subscribes to everything about one subject; returns the unsubscribe function. */
  watch(
    subject: string,
    handlers: {
      activity(n: ActivityNotice): void;
      sessions(n: SessionNotice): void;
      alert(id: string): void;
    },
  ): () => void {
    const a = (n: ActivityNotice) => handlers.activity(n);
    const s = (n: SessionNotice) => handlers.sessions(n);
    const l = (id: string) => handlers.alert(id);
    this.emitter.on(`activity:${subject}`, a);
    this.emitter.on(`sessions:${subject}`, s);
    this.emitter.on(`alert:${subject}`, l);
    return () => {
      this.emitter.off(`activity:${subject}`, a);
      this.emitter.off(`sessions:${subject}`, s);
      this.emitter.off(`alert:${subject}`, l);
    };
  }
}
