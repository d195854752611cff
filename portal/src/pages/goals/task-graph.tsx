interface GraphTask {
  key: string;
  title: string;
  status: string;
  depends_on: string[];
  agent_kind?: unknown;
}

const W = 150;
const H = 34;
const GX = 50;
const GY = 10;
const STATUS_CLASS: Record<string, string> = {
  completed: 'node-ok',
  failed: 'node-err',
  running: 'node-run',
  pending: 'node-warn',
};

/** Each task's column: one more than its deepest dependency (cycles count as roots). */
export function layers(tasks: GraphTask[]): Map<string, number> {
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  const depth = new Map<string, number>();
  const visit = (key: string, seen: Set<string>): number => {
    const known = depth.get(key);
    if (known !== undefined) return known;
    if (seen.has(key)) return 0;
    seen.add(key);
    const deps = (byKey.get(key)?.depends_on ?? []).filter((k) => byKey.has(k));
    const d = deps.length ? 1 + Math.max(...deps.map((k) => visit(k, seen))) : 0;
    depth.set(key, d);
    return d;
  };
  for (const t of tasks) visit(t.key, new Set());
  return depth;
}

/** The goal's task graph, left to right by dependency layer. */
export function TaskGraph({ tasks }: { tasks: GraphTask[] }) {
  if (!tasks.length) return null;
  const depth = layers(tasks);
  const cols = new Map<number, GraphTask[]>();
  for (const t of tasks) {
    const c = depth.get(t.key) ?? 0;
    cols.set(c, [...(cols.get(c) ?? []), t]);
  }
  const ncol = Math.max(...cols.keys()) + 1;
  const nrow = Math.max(...[...cols.values()].map((c) => c.length));
  const width = ncol * (W + GX);
  const height = Math.max(60, nrow * (H + GY) + GY);
  const pos = new Map<string, { x: number; y: number }>();
  for (const [c, list] of cols) {
    const offset = (height - list.length * (H + GY) + GY) / 2;
    list.forEach((t, i) => pos.set(t.key, { x: c * (W + GX) + 4, y: offset + i * (H + GY) }));
  }
  return (
    <svg
      className="task-graph"
      data-testid="task-graph"
      role="img"
      aria-label={`Task graph of ${tasks.length} tasks`}
      viewBox={`0 0 ${width} ${height}`}
      height={Math.min(320, height)}
    >
      {tasks.flatMap((t) =>
        t.depends_on
          .filter((k) => pos.has(k))
          .map((k) => {
            const a = pos.get(k)!;
            const b = pos.get(t.key)!;
            const y1 = a.y + H / 2;
            const y2 = b.y + H / 2;
            return (
              <path
                key={`${k}-${t.key}`}
                className="edge"
                d={`M${a.x + W},${y1} C${a.x + W + GX / 2},${y1} ${b.x - GX / 2},${y2} ${b.x},${y2}`}
              />
            );
          }),
      )}
      {tasks.map((t) => {
        const p = pos.get(t.key)!;
        return (
          <g key={t.key} data-task-key={t.key} className={STATUS_CLASS[t.status] ?? 'node-muted'}>
            <rect x={p.x} y={p.y} width={W} height={H} rx={6} />
            <text x={p.x + 8} y={p.y + 14}>
              {`${t.key} ${t.title}`.slice(0, 24)}
            </text>
            <text x={p.x + 8} y={p.y + 28}>
              {t.status + (typeof t.agent_kind === 'string' ? ` · ${t.agent_kind}` : '')}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
