// Figure 12: the dendrogram of the last 30 merges, the cut that gives the chosen K, branches coloured by cluster.
import type { ReportData } from "../data.js";
import { alignLabels } from "../stats.js";
import { CLUSTER_PARAM, clusterColorEncoding, num, type Figure, type VlSpec } from "./common.js";

/** Segments of a truncated dendrogram (SciPy's `truncate_mode="lastp"` layout, leaves left to right). */
export interface DendrogramLayout {
  /** x, x2, y, y2, cluster (0 above the cut) per segment. */
  readonly segments: { x: number; x2: number; y: number; y2: number; cluster: number }[];
  /** Leaves in plotting order: x position, node id, number of events under it. */
  readonly leaves: { x: number; node: number; size: number; cluster: number }[];
  readonly cutHeight: number;
  readonly merges: number;
}

/**
 * Lays out the last `maxMerges` merges of a linkage Z ((n−1)×4, SciPy layout) and colours each branch
 * below the cut into `k` clusters by the majority label of its events.
 */
export function dendrogramLayout(Z: Float64Array, n: number, k: number, labels: Int32Array, maxMerges = 30): DendrogramLayout {
  const rows = n - 1;
  const m = Math.min(maxMerges, rows);
  const firstShown = rows - m; // merge rows ≥ firstShown are drawn
  const isShownMerge = (node: number): boolean => node >= n + firstShown;
  const size = (node: number): number => (node < n ? 1 : Z[(node - n) * 4 + 3]!);
  const height = (node: number): number => (isShownMerge(node) ? Z[(node - n) * 4 + 2]! : 0);
  // The last k−1 merges are above the cut.
  const firstAbove = rows - (k - 1);
  const hAt = (r: number): number => (r >= 0 && r < rows ? Z[r * 4 + 2]! : NaN);
  const lowerH = hAt(firstAbove - 1);
  const upperH = hAt(firstAbove);
  const cutHeight = Number.isFinite(lowerH) && Number.isFinite(upperH) ? (lowerH + upperH) / 2 : Number.isFinite(upperH) ? upperH / 2 : lowerH;
  // Cluster of every subtree just below the cut: majority of its events' labels.
  const nodeCluster = new Map<number, number>();
  const isAbove = (node: number): boolean => node >= n + firstAbove;
  for (let r = Math.max(0, firstAbove); r < rows; r++) {
    for (const child of [Z[r * 4]!, Z[r * 4 + 1]!]) {
      if (isAbove(child)) continue;
      const votes = new Map<number, number>();
      const stack = [child];
      while (stack.length > 0) {
        const v = stack.pop()!;
        if (v < n) votes.set(labels[v]!, (votes.get(labels[v]!) ?? 0) + 1);
        else stack.push(Z[(v - n) * 4]!, Z[(v - n) * 4 + 1]!);
      }
      let best = 0;
      let bestCount = -1;
      for (const [lab, cnt] of votes) if (cnt > bestCount || (cnt === bestCount && lab < best)) { best = lab; bestCount = cnt; }
      nodeCluster.set(child, best);
    }
  }
  if (k <= 1) nodeCluster.set(2 * n - 2, labels[0] ?? 1);
  // Leaf order by depth-first traversal from the root, left child first.
  const xOf = new Map<number, number>();
  const clusterOf = new Map<number, number>();
  const leaves: DendrogramLayout["leaves"] = [];
  const root = 2 * n - 2;
  const order: number[] = [];
  const stack: [number, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, inherited] = stack.pop()!;
    const c = nodeCluster.get(node) ?? inherited;
    clusterOf.set(node, c);
    if (!isShownMerge(node)) {
      xOf.set(node, leaves.length);
      leaves.push({ x: leaves.length, node, size: size(node), cluster: c });
      continue;
    }
    order.push(node);
    const r = node - n;
    stack.push([Z[r * 4 + 1]!, c], [Z[r * 4]!, c]);
  }
  const segments: DendrogramLayout["segments"] = [];
  for (let j = order.length - 1; j >= 0; j--) {
    const node = order[j]!;
    const r = node - n;
    const a = Z[r * 4]!;
    const b = Z[r * 4 + 1]!;
    const xa = xOf.get(a)!;
    const xb = xOf.get(b)!;
    const h = height(node);
    const c = clusterOf.get(node)!;
    segments.push({ x: xa, x2: xa, y: height(a), y2: h, cluster: c });
    segments.push({ x: xb, x2: xb, y: height(b), y2: h, cluster: c });
    segments.push({ x: xa, x2: xb, y: h, y2: h, cluster: c });
    xOf.set(node, (xa + xb) / 2);
  }
  return { segments, leaves, cutHeight, merges: m };
}

export function dendrogramFigure(data: ReportData): Figure | undefined {
  const L = data.linkage;
  if (!L) return undefined;
  const n = L.Z.shape[0] + 1;
  if (n < 2) return undefined;
  // Leaves are the clustered events; colour by the clustering that made the linkage when it is an
  // alternative, its clusters renumbered to the chosen clustering's they overlap most (same colours, and the
  // legend/map selection highlights the matching branch).
  const alt = data.method === L.method ? undefined : data.alternatives.find((a) => a.name === L.method);
  const eventLabels = alt ? alignLabels(data.events.cluster, alt.labels) : data.events.cluster;
  const leafEvent = (l: number): number => (L.eventIndices ? L.eventIndices[l]! : l);
  const labels = new Int32Array(n);
  for (let l = 0; l < n; l++) labels[l] = eventLabels[leafEvent(l)] ?? 0;
  const lay = dendrogramLayout(L.Z.data, n, data.k, labels);
  const seg = lay.segments.map((s) => ({ ...s, y: num(s.y, 6), y2: num(s.y2, 6) }));
  const leafRows = lay.leaves.map((l) => ({ x: l.x, label: l.size > 1 ? `(${l.size})` : String(data.events.ids[leafEvent(l.node)] ?? l.node), cluster: l.cluster }));
  return {
    name: "12-dendrogram",
    number: 12,
    title: `Dendrogram (${L.method} linkage)`,
    caption: `The last ${lay.merges} merges of the ${L.method} linkage; leaves are groups of events (their size in parentheses). The dashed line is the cut giving K = ${data.k}; branches below it are coloured by cluster${alt ? ` (the ${L.method} clusters numbered and coloured as the ${data.method} cluster they share the most events with)` : ""}.`,
    params: ["selCluster"],
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      params: [CLUSTER_PARAM],
      width: 640,
      height: 300,
      layer: [
        {
          name: "dendrogram_links",
          data: { values: seg },
          mark: { type: "rule", strokeWidth: 1.6 },
          encoding: {
            x: { field: "x", type: "quantitative", axis: null, scale: { domain: [-0.5, lay.leaves.length - 0.5], nice: false, zero: false } },
            x2: { field: "x2" },
            y: { field: "y", type: "quantitative", axis: { title: "Merge height (linkage distance)" } },
            y2: { field: "y2" },
            color: { ...clusterColorEncoding(data, { includeNone: true }), legend: { title: "Cluster", labelExpr: "datum.value == 0 ? 'above the cut' : datum.label" } },
            opacity: { condition: { test: "selCluster == 0 || datum.cluster == selCluster || datum.cluster == 0", value: 1 }, value: 0.2 },
          },
        },
        {
          data: { values: leafRows },
          mark: { type: "text", angle: 270, align: "right", baseline: "middle", dy: 0, fontSize: 9 },
          encoding: { x: { field: "x", type: "quantitative" }, y: { datum: 0, type: "quantitative" }, text: { field: "label" }, yOffset: { value: 6 } },
        },
        {
          data: { values: [{ cut: num(lay.cutHeight, 6) }] },
          mark: { type: "rule", color: "#d62728", strokeDash: [6, 4], strokeWidth: 1.5 },
          encoding: { y: { field: "cut", type: "quantitative" } },
        },
      ],
    },
  };
}
