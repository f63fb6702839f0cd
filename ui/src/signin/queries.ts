// Queries of signing in and of the sessions it opens: profiles, partitions, open sessions and the
// sso-* commands, with the cache updates that follow a sign-in, a new session or a sign-out.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import * as api from "../api";
import { queryKeys } from "../query/keys";

/** How often sso-session states are re-read (the backend refreshes tokens that are about to end). */
export const SSO_REFRESH_MS = 30_000;

/** Profiles of the AWS config. */
export function useProfiles() {
  return useQuery({ queryKey: queryKeys.profiles(), queryFn: api.listProfiles });
}

/** Partitions and their regions (fixed for the app's life). */
export function usePartitions() {
  return useQuery({ queryKey: queryKeys.partitions(), queryFn: api.listPartitions, staleTime: Infinity });
}

// The backend lists sessions in no particular order; tabs keep the order they were first seen in.
const sessionOrder: string[] = [];

/** Sessions in the order they were opened (first seen), so tabs never jump around. */
export function inOpeningOrder(sessions: api.SessionInfo[]): api.SessionInfo[] {
  for (const s of sessions) if (!sessionOrder.includes(s.id)) sessionOrder.push(s.id);
  return [...sessions].sort((a, b) => sessionOrder.indexOf(a.id) - sessionOrder.indexOf(b.id));
}

/** Open sessions. */
export function useSessions() {
  return useQuery({ queryKey: queryKeys.sessions(), queryFn: api.listSessions, select: inOpeningOrder });
}

/** Shows a session just opened at once (its tab appears before the list is read again). */
export function addOpenedSession(client: QueryClient, session: api.SessionInfo): void {
  client.setQueryData<api.SessionInfo[]>(queryKeys.sessions(), (old) => [...(old ?? []).filter((s) => s.id !== session.id), session]);
  void client.invalidateQueries({ queryKey: queryKeys.sessions() });
}

/** sso-sessions of the AWS config with their state. */
export function useSsoSessions(enabled = true) {
  return useQuery({
    queryKey: queryKeys.sso.sessions(),
    queryFn: api.listSsoSessions,
    refetchInterval: SSO_REFRESH_MS,
    enabled,
  });
}

/** Whether sign-in secrets go to a system keyring (asked once: it does not change while the app runs). */
export function useKeyringAvailable() {
  return useQuery({ queryKey: queryKeys.sso.keyring(), queryFn: api.keyringAvailable, staleTime: Infinity });
}

/** Accounts of a signed-in sso-session (cached by the backend; the account picker's Refresh asks the portal). */
export function useSsoAccounts(session: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.sso.accounts(session),
    queryFn: () => api.listSsoAccounts(session, false),
    enabled,
    staleTime: Infinity,
  });
}

/** Roles of one account. */
export function useSsoRoles(session: string, accountId: string | null) {
  return useQuery({
    queryKey: queryKeys.sso.roles(session, accountId),
    queryFn: () => api.listSsoRoles(session, accountId ?? ""),
    enabled: accountId !== null,
    staleTime: Infinity,
  });
}

/** Signs out of an sso-session and drops the app sessions opened through it. */
export function useSsoLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (session: string) => api.ssoLogout(session),
    onSuccess: (closed, session) => {
      client.setQueryData<api.SessionInfo[]>(queryKeys.sessions(), (old) => old?.filter((s) => !closed.includes(s.id)));
      client.removeQueries({ queryKey: queryKeys.sso.accounts(session) });
      client.removeQueries({ queryKey: queryKeys.sso.allRoles(session) });
      void client.invalidateQueries({ queryKey: queryKeys.sessions() });
      void client.invalidateQueries({ queryKey: queryKeys.sso.sessions() });
    },
  });
}
