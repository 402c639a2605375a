import { Injectable } from '@nestjs/common';
import { WorkspaceServiceConfig } from '../config.js';

/** Entries kept at most (least recently stored dropped first): lists by filter and cursor, and single workspaces. */
const MAX_ENTRIES = 1000;

/**
 * The public catalogue reads (GET /workspaces, GET /workspaces/:id) answered from memory for
 * CATALOGUE_CACHE_MS: they are most of the traffic, and a database round trip plus mapping
 * costs eight times the framework's own work per request (bench/README.md). Any write through
 * this process empties it at once. What it can make stale, for at most CATALOGUE_CACHE_MS, is
 * what another replica wrote: a workspace deactivated or with new rules there is still seen as
 * before here, and booking-service (which reads through this endpoint) could accept one more
 * booking under the old rules within that window. A failed or not-found read is never kept.
 * Concurrent reads of one key share one database query.
 */
@Injectable()
export class CatalogueCache {
  private readonly entries = new Map<string, { value: Promise<unknown>; expiresAt: number }>();
  private readonly ttlMs: number;

  constructor(config: WorkspaceServiceConfig) {
    this.ttlMs = config.CATALOGUE_CACHE_MS;
  }

  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value as Promise<T>;
    const value = load();
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** After any write: the next read goes to the database. */
  clear(): void {
    this.entries.clear();
  }
}
