import { Graph, layout } from '@dagrejs/dagre';
import { useMemo, type KeyboardEvent } from 'react';

export interface DagNode {
  id: string;
  label: string;
  /** A status (colours the node) or undefined for a definition's preview. */
  status?: string;
  detail?: string;
  /** Marked as having a problem (the editor's validation). */
  flagged?: boolean;
  requisites: readonly string[];
}

type Point = { x: number; y: number };

const WIDTH = 176;
const HEIGHT = 52;

interface Layout {
  width: number;
  height: number;
  positions: Map<string, Point>;
  edges: { from: string; to: string; points: Point[] }[];
}

/** Left to right, as Deck draws pipelines. Only the graph's shape is laid out, so a status change does not move nodes. */
function layoutOf(shape: string): Layout {
  const nodes = JSON.parse(shape) as { id: string; requisites: string[] }[];
  const graph = new Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 44, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(nodes.map((node) => node.id));
  for (const node of nodes) graph.setNode(node.id, { width: WIDTH, height: HEIGHT });
  for (const node of nodes) for (const requisite of node.requisites) if (ids.has(requisite)) graph.setEdge(requisite, node.id);
  layout(graph);
  const positions = new Map(nodes.map((node): [string, Point] => [node.id, graph.node(node.id) as Point]));
  const edges = graph.edges().map((edge) => ({ from: edge.v, to: edge.w, points: (graph.edge(edge) as { points: Point[] }).points }));
  const { width, height } = graph.graph() as { width?: number; height?: number };
  return { width: width ?? 0, height: height ?? 0, positions, edges };
}

export function Dag({ nodes, selected, onSelect, label }: { nodes: DagNode[]; selected?: string; onSelect?: (id: string) => void; label: string }) {
  const shape = JSON.stringify(nodes.map((node) => ({ id: node.id, requisites: node.requisites })));
  const graph = useMemo(() => layoutOf(shape), [shape]);
  const key = (id: string) => (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect?.(id);
    }
  };
  return (
    <div className="dag" role="group" aria-label={label}>
      <svg width={graph.width} height={graph.height} viewBox={`0 0 ${graph.width} ${graph.height}`}>
        {graph.edges.map((edge) => (
          <path key={`${edge.from}>${edge.to}`} className="edge" d={`M${edge.points.map((p) => `${p.x},${p.y}`).join('L')}`} />
        ))}
        {nodes.map((node) => {
          const at = graph.positions.get(node.id);
          if (at === undefined) return null;
          const description = [node.label, node.status?.toLowerCase().replace('_', ' '), node.detail].filter(Boolean).join(', ');
          return (
            <g
              key={node.id}
              transform={`translate(${at.x - WIDTH / 2},${at.y - HEIGHT / 2})`}
              className={`node status-${node.status ?? 'none'}${node.id === selected ? ' selected' : ''}${node.flagged ? ' flagged' : ''}`}
              role={onSelect ? 'button' : 'img'}
              tabIndex={onSelect ? 0 : undefined}
              aria-label={description}
              aria-pressed={onSelect ? node.id === selected : undefined}
              data-stage={node.id}
              data-status={node.status}
              onClick={onSelect ? () => onSelect(node.id) : undefined}
              onKeyDown={onSelect ? key(node.id) : undefined}
            >
              <rect width={WIDTH} height={HEIGHT} rx={6} />
              <text x={10} y={21} className="title">
                {node.label.length > 22 ? `${node.label.slice(0, 21)}…` : node.label}
              </text>
              <text x={10} y={39} className="detail">
                {node.detail}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
