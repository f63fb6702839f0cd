// Sign-in state for the UI: queries over the sso-* commands, countdowns and partition helpers.
import { useQuery } from "@tanstack/react-query";
import * as api from "../api";

export { useNow } from "../clock";

/** How often sso-session states are re-read (the backend refreshes tokens that are about to end). */
export const SSO_REFRESH_MS = 30_000;

/** Query key of the sso-session list. */
export const SSO_SESSIONS_KEY = ["sso-sessions"] as const;

/** sso-sessions of the AWS config with their state. */
export function useSsoSessions(enabled = true) {
  return useQuery({
    queryKey: SSO_SESSIONS_KEY,
    queryFn: api.listSsoSessions,
    refetchInterval: SSO_REFRESH_MS,
    enabled,
  });
}

/** Accounts of a signed-in sso-session (cached by the backend; refresh through `refreshAccounts`). */
export function useSsoAccounts(session: string, enabled: boolean) {
  return useQuery({
    queryKey: ["sso-accounts", session],
    queryFn: () => api.listSsoAccounts(session, false),
    enabled,
    staleTime: Infinity,
  });
}

/** Roles of one account. */
export function useSsoRoles(session: string, accountId: string | null) {
  return useQuery({
    queryKey: ["sso-roles", session, accountId],
    queryFn: () => api.listSsoRoles(session, accountId ?? ""),
    enabled: accountId !== null,
    staleTime: Infinity,
  });
}

/** The partition an SSO region belongs to (GovCloud regions start with us-gov-). */
export function partitionOfRegion(region: string): api.PartitionId {
  return region.trim().startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

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

/** Copies text to the clipboard; false when the platform refuses. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
