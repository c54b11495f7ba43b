// In-process notifications after a commit: new activity and session changes, per subject (for the live stream).
import { EventEmitter } from 'node:events';

export interface ActivityNotice {
  subject: string;
  seq: number;
}
export interface SessionNotice {
  subject: string;
  sessionIds: string[];
}

export class Bus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  activity(n: ActivityNotice): void {
    this.emitter.emit(`activity:${n.subject}`, n);
  }
  sessions(n: SessionNotice): void {
    this.emitter.emit(`sessions:${n.subject}`, n);
  }
  alert(subject: string, alertId: string): void {
    this.emitter.emit(`alert:${subject}`, alertId);
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
