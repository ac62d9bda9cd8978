/**
 * bench/heap-diff: what grew between two V8 heap snapshots (e.g. bench:soak --heap-snapshots-at 60,300).
 *
 *   npx tsx bench/heap-diff.ts A.heapsnapshot B.heapsnapshot [--top 25]
 *
 * Objects are grouped by type and constructor name (strings by their shape, digits as #, so per-id strings of one
 * kind fall together); each group's count and self size in A and B, the largest growth first, and for the groups that
 * grew most, what holds them in B (the holder's group and the edge's name). Profiling only: it prints, never asserts.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const snapshotShape = z.object({
  snapshot: z.object({
    meta: z.object({
      node_fields: z.array(z.string()),
      node_types: z.array(z.unknown()),
      edge_fields: z.array(z.string()),
      edge_types: z.array(z.unknown()),
    }),
  }),
  nodes: z.array(z.number()),
  edges: z.array(z.number()),
  strings: z.array(z.string()),
});

interface Group {
  count: number;
  size: number;
}

interface Parsed {
  groups: Map<string, Group>;
  /** Per group: holder group and edge name → how many of its objects that holder holds. */
  holders: Map<string, Map<string, number>>;
}

function read(file: string): Parsed {
  const snap = snapshotShape.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const { meta } = snap.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nodeTypes = meta.node_types[0] as string[];
  const edgeTypes = meta.edge_types[0] as string[];
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
    meta.node_fields.indexOf(f),
  );
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
  const { nodes, edges, strings } = snap;
  const nodeCount = nodes.length / nf;
  const groupOf: string[] = new Array(nodeCount);
  const groups = new Map<string, Group>();
  for (let n = 0; n < nodeCount; n++) {
    const type = nodeTypes[nodes[n * nf + iType]];
    let name = strings[nodes[n * nf + iName]] ?? '';
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string')
      name = name.slice(0, 40).replace(/\d+/g, '#');
    const key = `${type}: ${name}`;
    groupOf[n] = key;
    const g = groups.get(key) ?? { count: 0, size: 0 };
    g.count += 1;
    g.size += nodes[n * nf + iSize];
    groups.set(key, g);
  }
  const holders = new Map<string, Map<string, number>>();
  let edge = 0;
  for (let n = 0; n < nodeCount; n++) {
    const count = nodes[n * nf + iEdges];
    for (let i = 0; i < count; i++, edge += ef) {
      const kind = edgeTypes[edges[edge + eType]];
      if (kind === 'weak' || kind === 'shortcut') continue;
      const to = edges[edge + eTo] / nf;
      const name = kind === 'element' || kind === 'hidden' ? `[${kind}]` : (strings[edges[edge + eName]] ?? '');
      const target = groupOf[to];
      const byHolder = holders.get(target) ?? new Map<string, number>();
      const holderKey = `${groupOf[n]} .${name}`;
      byHolder.set(holderKey, (byHolder.get(holderKey) ?? 0) + 1);
      holders.set(target, byHolder);
    }
  }
  return { groups, holders };
}

function main(): void {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string' } }, allowPositionals: true });
  const top = z.coerce.number().int().min(1).max(500).default(25).parse(values.top);
  const [fileA, fileB] = z.tuple([z.string(), z.string()]).parse(positionals);
  const a = read(fileA);
  const b = read(fileB);
  const total = (p: Parsed) => [...p.groups.values()].reduce((s, g) => s + g.size, 0);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
  console.log(`self size: A ${mb(total(a))} MB, B ${mb(total(b))} MB, growth ${mb(total(b) - total(a))} MB`);
  const keys = new Set([...a.groups.keys(), ...b.groups.keys()]);
  const rows = [...keys].map((key) => {
    const ga = a.groups.get(key) ?? { count: 0, size: 0 };
    const gb = b.groups.get(key) ?? { count: 0, size: 0 };
    return { key, ga, gb, grew: gb.size - ga.size };
  });
  rows.sort((x, y) => y.grew - x.grew);
  console.log('growth (KB)  count A -> B          group');
  for (const r of rows.slice(0, top)) {
    console.log(
      `${(r.grew / 1024).toFixed(0).padStart(11)}  ${String(r.ga.count).padStart(8)} -> ${String(r.gb.count).padEnd(8)}  ${r.key.slice(0, 100)}`,
    );
  }
  console.log('\nwhat holds the groups that grew most (in B):');
  for (const r of rows.slice(0, Math.min(top, 12))) {
    const held = [...(b.holders.get(r.key) ?? new Map<string, number>()).entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 3)
      .map(([holder, n]) => `${n} by ${holder.slice(0, 80)}`);
    console.log(`${r.key.slice(0, 60)}\n    ${held.join('\n    ')}`);
  }
}

main();
