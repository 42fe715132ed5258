// The normalisations under which the text reader's objects must equal nft's own JSON
// (`nft -j list ruleset`), for the corpus pairs (nft-pairs.ts) and the probe fixture:
// - `metainfo` is dropped (the text has no version line);
// - handles are compared only when the text has them (`nft -a`); JSON always lists them;
// - the reader's own additions to rules (`source`, `text`) are left out;
// - a table's or chain's `comment` and a netdev chain's `dev`, which the text shows and nft
//   1.0.6's JSON leaves out, are compared only where the JSON has them;
// - the set flag `dynamic`, which nft 1.0.6's JSON leaves out (newer nft lists it), is dropped
//   on both sides;
// - a map's concatenated data type, one string in nft 1.0.6's JSON, is compared as a list;
// - sets' `gc-interval` and `stmt` and named objects' contents, which the model does not keep, are
//   left out (named objects and flowtables are compared by kind and name);
// - objects are compared per kind in the order of each kind (nft versions list kinds in
//   different orders: 1.0.6 sets before chains, newer chains first).
import type { NftRuleset } from '../../src/nftables/model.js';

type Json = unknown;

/** Objects grouped by kind, handles kept or dropped, reader-only fields removed. */
export function normaliseListing(list: Array<Record<string, Json>>, keepHandles: boolean): Record<string, Json[]> {
  const byKind: Record<string, Json[]> = {};
  for (const o of list) {
    const kind = Object.keys(o)[0]!;
    if (kind === 'metainfo') continue;
    const body = { ...(o[kind] as Record<string, Json>) };
    if (!keepHandles) delete body.handle;
    delete body.source;
    delete body.text;
    if ((kind === 'set' || kind === 'map') && Array.isArray(body.flags)) {
      body.flags = body.flags.filter((f) => f !== 'dynamic');
      if ((body.flags as Json[]).length === 0) delete body.flags;
    }
    (byKind[kind] ??= []).push(JSON.parse(JSON.stringify(body)));
  }
  return byKind;
}

export function textHasHandles(text: string): boolean {
  return /# handle \d+/.test(text);
}

/** Keys the text shows and nft 1.0.6's JSON leaves out: dropped from ours where the JSON lacks them. */
const OPTIONAL_KEYS: Record<string, string[]> = { table: ['comment'], chain: ['comment', 'dev'] };

export function alignOptionalKeys(ours: Record<string, Json[]>, nft: Record<string, Json[]>): void {
  for (const [kind, keys] of Object.entries(OPTIONAL_KEYS)) {
    const a = ours[kind] ?? [];
    const b = nft[kind] ?? [];
    for (let i = 0; i < a.length && i < b.length; i++) {
      const x = a[i] as Record<string, Json>;
      const y = b[i] as Record<string, Json>;
      for (const k of keys) if (!(k in y)) delete x[k];
    }
  }
}

/**
 * The model back in `nft -j list ruleset`'s shape (one object per table, set, map, chain and rule),
 * so the text reader can be held to nft's own JSON. Named objects and flowtables are compared by
 * name only: the model lists them and does not simulate them.
 */
export function rulesetToListing(r: NftRuleset): Array<Record<string, Json>> {
  const out: Array<Record<string, Json>> = [];
  const withHandle = (o: Record<string, Json>, h: number | null) => (h === null ? o : { ...o, handle: h });
  for (const t of r.tables) {
    const table: Record<string, Json> = { family: t.family, name: t.name };
    if (t.flags.length > 0) table.flags = t.flags.length === 1 ? t.flags[0] : t.flags;
    if (t.comment !== null) table.comment = t.comment;
    out.push({ table: withHandle(table, t.handle) });
    for (const s of t.sets) {
      const set: Record<string, Json> = { family: s.family, name: s.name, table: s.table, type: s.type };
      if (s.map !== null) set.map = s.map;
      if (s.flags.length > 0) set.flags = s.flags;
      if (s.timeoutSeconds !== null) set.timeout = s.timeoutSeconds;
      if (s.size !== null) set.size = s.size;
      if (s.policy !== null) set.policy = s.policy;
      if (s.comment !== null) set.comment = s.comment;
      if (s.elem.length > 0) set.elem = s.elem;
      out.push({ [s.kind]: withHandle(set, s.handle) });
    }
    for (const o of t.objects) out.push({ [o.kind]: { family: o.family, name: o.name, table: o.table } });
    for (const f of t.flowtables) out.push({ flowtable: { family: f.family, name: f.name, table: f.table } });
    for (const c of t.chains) {
      const chain: Record<string, Json> = { family: c.family, table: c.table, name: c.name };
      if (c.base !== null) {
        chain.type = c.base.type;
        chain.hook = c.base.hook;
        chain.prio = c.base.prio;
        chain.policy = c.base.policy;
        if (c.base.devices.length > 0) chain.dev = c.base.devices.length === 1 ? c.base.devices[0] : c.base.devices;
      }
      if (c.comment !== null) chain.comment = c.comment;
      out.push({ chain: withHandle(chain, c.handle) });
    }
    for (const c of t.chains) {
      for (const rule of c.rules) {
        const o: Record<string, Json> = { family: rule.family, table: rule.table, chain: rule.chain, expr: rule.expr };
        if (rule.comment !== null) o.comment = rule.comment;
        out.push({ rule: withHandle(o, rule.handle) });
      }
    }
  }
  return out;
}

/** nft's JSON with what the model does not keep taken out (see the file comment). */
export function trimNftListing(list: Array<Record<string, Json>>): Array<Record<string, Json>> {
  return list.map((o) => {
    const kind = Object.keys(o)[0]!;
    const body = { ...(o[kind] as Record<string, Json>) };
    if (kind === 'set' || kind === 'map') {
      delete body['gc-interval'];
      delete body.stmt;
      // nft 1.0.6 writes a concatenated map data type as one string; the model keeps a list.
      if (typeof body.map === 'string' && body.map.includes(' . ')) body.map = body.map.split(' . ');
    } else if (kind !== 'table' && kind !== 'chain' && kind !== 'rule' && kind !== 'metainfo') {
      return { [kind]: { family: body.family, name: body.name, table: body.table } };
    }
    return { [kind]: body };
  });
}

/** The model without what differs by form; `keepHandles` when the text has them. */
export function comparableModel(r: NftRuleset, keepHandles: boolean) {
  const h = (x: number | null) => (keepHandles ? x : null);
  return r.tables.map((t) => ({
    family: t.family,
    name: t.name,
    handle: h(t.handle),
    flags: t.flags,
    chains: t.chains.map((c) => ({
      name: c.name,
      handle: h(c.handle),
      base: c.base,
      rules: c.rules.map((x) => ({ index: x.index, handle: h(x.handle), expr: x.expr, comment: x.comment, text: x.text })),
    })),
    sets: t.sets.map((s) => ({
      name: s.name,
      kind: s.kind,
      type: s.type,
      map: s.map,
      flags: s.flags.filter((f) => f !== 'dynamic'),
      timeoutSeconds: s.timeoutSeconds,
      size: s.size,
      comment: s.comment,
      elem: s.elem,
    })),
    objects: t.objects.map((o) => `${o.kind} ${o.name}`),
    flowtables: t.flowtables.map((f) => f.name),
  }));
}

