// Splitting a batch across machines: shard I of N takes the cases whose name hashes to I. A hash
// of the name (not a position in the list) keeps each case in the same shard when cases are added
// or removed, so a shard's output folder keeps skipping the cases it already did.

export interface Shard {
  /** 1-based, as written: `--shard 2/4`. */
  index: number;
  count: number;
}

/** Parses `I/N` (1 ≤ I ≤ N); null when it is not of that form. */
export function parseShard(text: string): Shard | null {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return null;
  return { index, count };
}

/**
 * `--shards N` inside a Kubernetes Indexed Job: the pod's index comes from JOB_COMPLETION_INDEX,
 * which counts from 0; shard numbers count from 1.
 */
export function shardFromJobIndex(count: number, env: NodeJS.ProcessEnv): Shard | string {
  const raw = env.JOB_COMPLETION_INDEX;
  if (raw === undefined || raw === '') return '--shards needs the JOB_COMPLETION_INDEX environment variable (set by a Kubernetes Indexed Job); use --shard I/N elsewhere';
  if (!/^\d+$/.test(raw) || Number(raw) >= count) return `JOB_COMPLETION_INDEX=${raw} is not an index from 0 to ${count - 1} (--shards ${count})`;
  return { index: Number(raw) + 1, count };
}

/** The shard (1-based) a case of this name belongs to: FNV-1a of the name, modulo the count. */
export function shardOfName(name: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % count) + 1;
}

export function inShard<T extends { name: string }>(cases: readonly T[], shard: Shard | null): T[] {
  return shard === null ? [...cases] : cases.filter((c) => shardOfName(c.name, shard.count) === shard.index);
}
