// The activity list: first page, "Load more" over the cursor, and live items merged in at the top.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ActivityItem, Page } from '../../shared/api.js';
import { type ApiError, isAbort, toApiError } from './api.js';
import type { LoadStatus } from './loader.js';
import { activityQuery, type FilterKind, matchesKind, mergeItems } from './paging.js';

type FetchPage = (query: string, signal: AbortSignal) => Promise<Page<ActivityItem>>;

export class ActivityFeed implements ReactiveController {
  items: ActivityItem[] = [];
  next: string | null = null;
  kind: FilterKind = 'all';
  status: LoadStatus = 'idle';
  error: ApiError | undefined;
  moreStatus: LoadStatus = 'idle';
  moreError: ApiError | undefined;
  /** Ids that arrived live since the list was first shown, for a brief highlight. */
  readonly fresh = new Set<string>();
  private controller = new AbortController();
  private readonly host: ReactiveControllerHost;
  private readonly fetchPage: FetchPage;
  private readonly onError: (error: ApiError) => void;

  constructor(host: ReactiveControllerHost, fetchPage: FetchPage, onError: (error: ApiError) => void) {
    this.host = host;
    this.fetchPage = fetchPage;
    this.onError = onError;
    host.addController(this);
  }

  /** Starts over with the first page of a kind. */
  async load(kind: FilterKind = this.kind): Promise<void> {
    this.reset();
    this.kind = kind;
    this.status = 'loading';
    const signal = this.controller.signal;
    this.host.requestUpdate();
    try {
      const page = await this.fetchPage(activityQuery(kind), signal);
      if (signal.aborted) return;
      this.items = mergeItems([], page.items);
      this.next = page.next_cursor;
      this.status = 'ready';
    } catch (error) {
      if (signal.aborted || isAbort(error)) return;
      this.status = 'error';
      this.error = toApiError(error);
      this.onError(this.error);
    }
    this.host.requestUpdate();
  }

  async more(): Promise<void> {
    if (!this.next || this.moreStatus === 'loading') return;
    this.moreStatus = 'loading';
    const signal = this.controller.signal;
    this.host.requestUpdate();
    try {
      const page = await this.fetchPage(activityQuery(this.kind, this.next), signal);
      if (signal.aborted) return;
      this.items = mergeItems(this.items, page.items);
      this.next = page.next_cursor;
      this.moreStatus = 'ready';
    } catch (error) {
      if (signal.aborted || isAbort(error)) return;
      this.moreStatus = 'error';
      this.moreError = toApiError(error);
      this.onError(this.moreError);
    }
    this.host.requestUpdate();
  }

  /** Quietly merges the newest page in (the polling fallback and catching up after a reconnect). */
  async refresh(): Promise<void> {
    if (this.status !== 'ready') return;
    const signal = this.controller.signal;
    try {
      const page = await this.fetchPage(activityQuery(this.kind), signal);
      if (signal.aborted) return;
      this.take(page.items);
    } catch {
      // A failed background refresh changes nothing; the next one may succeed.
    }
  }

  /** A live item; returns whether it was new to the list. */
  add(item: ActivityItem): boolean {
    if (this.status !== 'ready' || !matchesKind(item.event_type, this.kind)) return false;
    return this.take([item]) > 0;
  }

  reset(): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.items = [];
    this.next = null;
    this.status = 'idle';
    this.moreStatus = 'idle';
    this.error = undefined;
    this.moreError = undefined;
    this.fresh.clear();
  }

  hostDisconnected(): void {
    if (this.status === 'loading') this.reset();
    this.controller.abort();
    this.controller = new AbortController();
    if (this.moreStatus === 'loading') this.moreStatus = 'idle';
  }

  private take(incoming: readonly ActivityItem[]): number {
    const known = new Set(this.items.map((i) => i.id));
    const added = incoming.filter((i) => !known.has(i.id));
    for (const item of added) this.fresh.add(item.id);
    this.items = mergeItems(this.items, incoming);
    this.host.requestUpdate();
    return added.length;
  }
}
