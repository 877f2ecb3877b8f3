import { useState } from 'preact/hooks';

/**
 * A bar chart of one value per day (stacked when there are several series), drawn as SVG by hand:
 * a few dozen lines instead of a chart library many times the page's whole byte budget. Colours
 * are the console's CSS variables, so it follows dark mode. The same numbers are always in a
 * table: visually hidden (screen readers read it) until "Show table" shows it to everyone.
 */

export interface Series {
  key: string;
  label: string;
  /** A CSS colour, e.g. var(--ok). */
  color: string;
}

export type DayRow = { day: string } & Record<string, number | string>;

const W = 640;
const H = 180;
/** Room for the y labels on the left and the day labels below. */
const LEFT = 44;
const BOTTOM = 22;

const valueOf = (row: DayRow, key: string) => Number(row[key]) || 0;

export function BarChart({ title, rows, series, format = String }: { title: string; rows: DayRow[]; series: Series[]; format?: (n: number) => string }) {
  const [showTable, setShowTable] = useState(false);
  const totals = rows.map((row) => series.reduce((sum, s) => sum + valueOf(row, s.key), 0));
  const max = Math.max(...totals, 0);
  const plotH = H - BOTTOM;
  const step = (W - LEFT) / Math.max(rows.length, 1);
  const y = (v: number) => (max === 0 ? plotH : plotH - (v / max) * (plotH - 8));
  const labelled = new Set([0, Math.floor((rows.length - 1) / 2), rows.length - 1]);
  const sum = totals.reduce((a, b) => a + b, 0);

  return (
    <figure class="chart">
      <div class="chart-head">
        <figcaption>{title}</figcaption>
        {series.length > 1 && (
          <ul class="legend" aria-hidden="true">
            {series.map((s) => (
              <li key={s.key}>
                <span class="swatch" style={{ background: s.color }} />
                {s.label}
              </li>
            ))}
          </ul>
        )}
        <button type="button" class="link" aria-pressed={showTable} onClick={() => setShowTable(!showTable)}>
          {showTable ? 'Hide table' : 'Show table'}
        </button>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${format(sum)} in all over ${rows.length} days; the table below has each day`}>
        {[0, max / 2, max].map((v) => (
          <g key={v} class="grid">
            <line x1={LEFT} x2={W} y1={y(v)} y2={y(v)} />
            <text x={LEFT - 6} y={y(v) + 4} text-anchor="end">
              {format(v)}
            </text>
          </g>
        ))}
        {rows.map((row, i) => {
          let base = 0;
          return (
            <g key={row.day}>
              {series.map((s) => {
                const v = valueOf(row, s.key);
                const top = y(base + v);
                const height = y(base) - top;
                base += v;
                return height > 0 ? <rect key={s.key} x={LEFT + i * step + step * 0.15} width={step * 0.7} y={top} height={height} fill={s.color} /> : null;
              })}
              {labelled.has(i) && (
                <text class="day" x={LEFT + i * step + step / 2} y={H - 6} text-anchor="middle">
                  {row.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <table class={showTable ? 'chart-table' : 'visually-hidden'}>
        <caption>{title}, by day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.day}>
              <th scope="row">{row.day}</th>
              {series.map((s) => (
                <td key={s.key}>{format(valueOf(row, s.key))}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
