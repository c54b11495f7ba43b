// Async state for one resource (pending / ready / error), like @lit/task but with quiet background
// refreshes that keep what is shown. A newer run aborts the stale request through its signal.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type ApiError, isAbort, toApiError } from './api.js';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export class Loader<T> implements ReactiveController {
  status: LoadStatus = 'idle';
  value: T | undefined;
  error: ApiError | undefined;
  private controller: AbortController | undefined;
  private readonly host: ReactiveControllerHost;
  private readonly task: (signal: AbortSignal) => Promise<T>;
  private readonly onError: (error: ApiError) => void;

  constructor(
    host: ReactiveControllerHost,
    task: (signal: AbortSignal) => Promise<T>,
    onError: (error: ApiError) => void,
  ) {
    this.host = host;
    this.task = task;
    this.onError = onError;
    host.addController(this);
  }

  /**
   * Loads. A `quiet` run refreshes only a value already shown: it stays until the new one arrives, and a
   * failure leaves it and says nothing (polling must not flash skeletons or repeat errors).
   */
  async run(quiet = false): Promise<void> {
    if (quiet && this.status !== 'ready') return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    if (!quiet) {
      this.status = 'loading';
      this.host.requestUpdate();
    }
    try {
      const value = await this.task(controller.signal);
      if (controller.signal.aborted) return;
      this.value = value;
      this.status = 'ready';
      this.error = undefined;
    } catch (error) {
      if (controller.signal.aborted || isAbort(error) || quiet) return;
      this.status = 'error';
      this.error = toApiError(error);
      this.onError(this.error);
    } finally {
      if (this.controller === controller) this.host.requestUpdate();
    }
  }

  /** Replaces the value locally, e.g. after a successful action, without a request. */
  set(value: T): void {
    this.value = value;
    this.status = 'ready';
    this.host.requestUpdate();
  }

  reset(): void {
    this.controller?.abort();
    this.status = 'idle';
    this.value = undefined;
    this.error = undefined;
  }

  hostDisconnected(): void {
    this.controller?.abort();
    if (this.status === 'loading') this.status = 'idle';
  }
}
