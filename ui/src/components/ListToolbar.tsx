import type { ReactNode } from "react";
import { formatAge } from "../format";
import { useNow } from "../clock";

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
      <input
        type="search"
        className="filter"
        value={filter}
        onChange={(e) => {
          onFilter(e.target.value);
        }}
        placeholder={filterLabel}
        aria-label={filterLabel}
        data-testid="filter-input"
      />
      {children}
      <span className="toolbar-spacer" />
      <UpdatedAgo updatedAt={updatedAt} fetching={fetching} />
      <button type="button" className="button" onClick={onRefresh} disabled={fetching} data-testid="refresh-button">
        Refresh
      </button>
    </div>
  );
}

/** "Updated 12 s ago", ticking every second; "Refreshing…" while a fetch is running. */
export function UpdatedAgo({ updatedAt, fetching }: { updatedAt: number; fetching: boolean }) {
  const now = useNow();
  let text: string;
  if (fetching) text = "Refreshing…";
  else if (updatedAt === 0) text = "Not loaded yet";
  else text = `Updated ${formatAge((now - updatedAt) / 1000)}`;
  return (
    <span className="updated" data-testid="updated-ago" aria-live="polite">
      {text}
    </span>
  );
}
