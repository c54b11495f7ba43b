// Opening the store and services for a one-off command, with the same configuration as the server.
import { type Config, ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { createServices, type Services } from '../services.js';
import { applyMigrations, openStore } from '../store/db.js';
import { CliError } from './error.js';

export function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/** Services over the configured store, migrated; the caller closes them with `closeServices`. */
export async function openServices(): Promise<Services> {
  const cfg = config();
  const store = await openStore(cfg.dbPath);
  try {
    await applyMigrations(store, cfg.dbOwnerUrl);
  } catch (error) {
    await store.close();
    throw error;
  }
  return createServices(
    cfg,
    createLogger('warning', (l) => process.stderr.write(l)),
    store,
  );
}

export async function closeServices(s: Services): Promise<void> {
  await s.commit.drain();
  s.commit.close();
  await s.store.close();
}

/** Progress on a TTY only, rewritten in place. */
export function progress(label: string): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  return (done, total) => {
    const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
    process.stderr.write(`\r${label}: ${done.toLocaleString()} / ${total.toLocaleString()} (${pct}%)`);
    if (done >= total) process.stderr.write('\n');
  };
}
