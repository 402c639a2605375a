import * as vega from 'vega';
import { compile, TopLevelSpec } from 'vega-lite';
import type { OccupancyDay } from './occupancy.js';
import type { ReportRange } from './report-range.js';

const CELL_PX = 14;

/**
 * A heat map of occupancy, one row per workspace and one cell per local day, rendered to SVG on
 * the server (vega-lite compiled to vega, vega's headless view: no canvas, no browser). Closed
 * days are grey. No data at all is an empty-state chart saying so, not an error.
 */
export async function renderOccupancyChart(days: readonly OccupancyDay[], range: ReportRange): Promise<string> {
  const title = `Occupancy, ${instant(range.from)} to ${instant(range.to)}`;
  const spec = days.length === 0 ? emptyChart(title) : heatMap(days, title);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function heatMap(days: readonly OccupancyDay[], title: string): TopLevelSpec {
  const labels = workspaceLabels(days);
  const values = days.map((d) => ({
    workspace: labels.get(d.workspaceId)!,
    date: d.date,
    occupancy: d.occupancy,
    percent: d.occupancy === null ? 'closed' : `${Math.round(d.occupancy * 100)}%`,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values },
    width: { step: CELL_PX },
    height: { step: CELL_PX * 1.5 },
    encoding: {
      x: { field: 'date', type: 'ordinal', title: 'Local date', axis: { labelOverlap: 'greedy', labelAngle: -90 } },
      y: { field: 'workspace', type: 'nominal', title: null, axis: { labelLimit: 320 } },
    },
    layer: [
      { mark: { type: 'rect', color: '#e0e0e0' } },
      {
        transform: [{ filter: 'datum.occupancy !== null' }],
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: 'occupancy',
            type: 'quantitative',
            title: 'Occupancy',
            scale: { domain: [0, 1], scheme: 'blues' },
            legend: { format: '.0%' },
          },
          tooltip: [{ field: 'workspace' }, { field: 'date' }, { field: 'percent' }],
        },
      },
    ],
  } as TopLevelSpec;
}

function emptyChart(title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 400,
    height: 60,
    data: { values: [{ message: 'No occupancy data: no workspace is known for this range yet' }] },
    mark: { type: 'text', fontSize: 13, color: '#555555' },
    encoding: { text: { field: 'message', type: 'nominal' } },
  };
}

/** An instant for a title: the UTC date alone at midnight, else date and time to the minute. */
function instant(d: Date): string {
  const text = d.toISOString();
  return text.endsWith('T00:00:00.000Z') ? text.slice(0, 10) : `${text.slice(0, 16).replace('T', ' ')} UTC`;
}

/** Workspace names as row labels; two workspaces with one name are told apart by their id. */
function workspaceLabels(days: readonly OccupancyDay[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const d of days) names.set(d.workspaceId, d.workspaceName);
  const count = new Map<string, number>();
  for (const name of names.values()) count.set(name, (count.get(name) ?? 0) + 1);
  return new Map([...names].map(([id, name]) => [id, count.get(name)! > 1 ? `${name} (${id.slice(0, 8)})` : name]));
}
