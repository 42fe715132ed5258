// Packets per kernel interface index (src/flow/if-index-counts.ts): exact counts, most packets
// first, and bounded when hostile input carries more distinct indexes than a host has.

import { describe, expect, it } from 'vitest';
import { IfIndexCounts } from '../../src/flow/if-index-counts.js';

describe('IfIndexCounts', () => {
  it('counts each index, most packets first, ties by index', () => {
    const c = new IfIndexCounts();
    for (const i of [5, 2, 2, 3, 5, 5, 0, 2147483647, -7]) c.add(i);
    expect(c.list()).toEqual([
      { ifIndex: 5, packets: 3 },
      { ifIndex: 2, packets: 2 },
      { ifIndex: -7, packets: 1 },
      { ifIndex: 0, packets: 1 },
      { ifIndex: 3, packets: 1 },
      { ifIndex: 2147483647, packets: 1 },
    ]);
    expect(c.overflow).toBe(0);
  });

  it('keeps 4 096 distinct indexes and counts the packets of any further one as overflow', () => {
    const c = new IfIndexCounts();
    for (let i = 0; i < 10_000; i++) c.add(i * 7919);
    for (let i = 0; i < 10; i++) c.add(0); // an index already kept still counts after the table is full
    const list = c.list();
    expect(list).toHaveLength(4096);
    expect(list[0]).toEqual({ ifIndex: 0, packets: 11 });
    expect(c.overflow).toBe(10_000 - 4096);
    expect(list.reduce((n, e) => n + e.packets, 0) + c.overflow).toBe(10_010);
  });
});
