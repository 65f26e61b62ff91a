import type { ReactNode } from 'react';
import { ScrollBox } from './ScrollBox';

export interface ResultsColumn<Row> {
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Right-aligned, for numbers. */
  numeric?: boolean;
}

interface ResultsTableProps<Row> {
  /** The table's accessible name; its scroll box is named "`label` table". */
  label: string;
  columns: readonly ResultsColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** Rows that can be chosen: the chosen one is marked, a click on a row chooses it. */
  selectedKey?: string;
  onSelect?: (key: string) => void;
}

/** A lab's results, one row per result, in a box that scrolls sideways on a narrow screen: every lab's results table. */
export function ResultsTable<Row>({ label, columns, rows, rowKey, selectedKey, onSelect }: ResultsTableProps<Row>) {
  const align = (column: ResultsColumn<Row>) => (column.numeric ? 'num' : undefined);
  return (
    <ScrollBox label={`${label} table`}>
      <table className={onSelect ? 'results selectable' : 'results'} aria-label={label}>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} className={align(column)}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const key = rowKey(row);
            return (
              <tr
                key={key}
                className={selectedKey !== undefined && key === selectedKey ? 'selected' : undefined}
                onClick={onSelect ? () => onSelect(key) : undefined}
              >
                {columns.map((column, i) => (
                  <td key={i} className={align(column)}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollBox>
  );
}
