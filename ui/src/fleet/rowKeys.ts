// Keyboard moves through the rows of the fleet and history tables.

/** Arrow keys move the focus between the rows (`[data-nav-row]`) of a list; Home/End jump. */
export function onListKeyDown(event: React.KeyboardEvent<HTMLElement>): void {
  if (!["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key)) return;
  const rows = Array.from(event.currentTarget.querySelectorAll<HTMLElement>("[data-nav-row]"));
  if (rows.length === 0) return;
  const current = rows.findIndex((r) => r === document.activeElement || r.contains(document.activeElement));
  let next = current;
  if (event.key === "ArrowDown") next = Math.min(rows.length - 1, current + 1);
  if (event.key === "ArrowUp") next = Math.max(0, current - 1);
  if (event.key === "Home") next = 0;
  if (event.key === "End") next = rows.length - 1;
  event.preventDefault();
  rows[next]?.focus();
}
