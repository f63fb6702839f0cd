import { useNow } from "../clock";
import { formatAge } from "../format";

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
