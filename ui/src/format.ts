// Display formatting shared by the views: times, ages, task definition revisions.

/** "just now", "12 s ago", "3 min ago", "2 h ago", "4 days ago". */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 2) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** An RFC 3339 time as local date and time, or an em dash when absent or unreadable. */
export function formatTime(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const t = Date.parse(value);
  if (Number.isNaN(t)) return value;
  return dateTime.format(new Date(t));
}

/** Age of an RFC 3339 time relative to `now` (ms), or null when absent. */
export function ageOf(value: string | null | undefined, now: number): string | null {
  if (value === null || value === undefined || value === "") return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) return null;
  return formatAge((now - t) / 1000);
}

/** "coe-etl-prod:3" from a family:revision or a full task definition ARN. */
export function shortTaskDefinition(value: string): string {
  const slash = value.lastIndexOf("/");
  return slash >= 0 ? value.slice(slash + 1) : value;
}

/** The revision number of a task definition reference, or null. */
export function revisionOf(value: string): number | null {
  const m = /:(\d+)$/.exec(value);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** The task id (last ARN segment). */
export function taskIdOf(arnOrId: string): string {
  const slash = arnOrId.lastIndexOf("/");
  return slash >= 0 ? arnOrId.slice(slash + 1) : arnOrId;
}

/** Case-insensitive "contains" across several fields, for the filter boxes. */
export function matchesFilter(filter: string, ...fields: (string | number | null | undefined)[]): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === "") return true;
  return fields.some((f) => f !== null && f !== undefined && String(f).toLowerCase().includes(needle));
}
