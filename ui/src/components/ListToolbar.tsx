import type { ReactNode } from "react";
import { FilterInput } from "./FilterInput";
import { UpdatedAgo } from "./UpdatedAgo";

/** Filter box, "Updated N s ago" and a Refresh button, as on every list. */
export function ListToolbar({
  filter,
  onFilter,
  filterLabel,
  updatedAt,
  fetching,
  onRefresh,
  children,
}: {
  filter: string;
  onFilter: (value: string) => void;
  filterLabel: string;
  updatedAt: number;
  fetching: boolean;
  onRefresh: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="toolbar">
      <FilterInput value={filter} onChange={onFilter} label={filterLabel} />
      {children}
      <span className="toolbar-spacer" />
      <UpdatedAgo updatedAt={updatedAt} fetching={fetching} />
      <button type="button" className="button" onClick={onRefresh} disabled={fetching} data-testid="refresh-button">
        Refresh
      </button>
    </div>
  );
}
