// How long a sign-in has left, for the portal list, the device code and the session tabs.

/** Time left until `iso` as "7h 59m", "4m 05s", "42s", or "expired". */
export function formatRemaining(iso: string | null, now: number): string {
  if (iso === null) return "expired";
  const end = Date.parse(iso);
  if (Number.isNaN(end)) return "unknown";
  const left = Math.floor((end - now) / 1000);
  if (left <= 0) return "expired";
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  if (h > 0) return `${String(h)}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${String(m)}m ${String(s).padStart(2, "0")}s`;
  return `${String(s)}s`;
}

/** Seconds left until `iso` (0 when past or unknown). */
export function secondsLeft(iso: string | null, now: number): number {
  if (iso === null) return 0;
  const end = Date.parse(iso);
  return Number.isNaN(end) ? 0 : Math.max(0, Math.floor((end - now) / 1000));
}
