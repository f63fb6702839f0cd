// TanStack Query hooks over api.ts. Keys carry the session's region, so a region switch shows the
// new region's data instead of stale rows from the old one.
import { keepPreviousData, QueryClient, useQuery } from "@tanstack/react-query";
import * as api from "./api";

/** How often lists refresh on their own. */
export const REFRESH_MS = 15_000;

/** One client for the app; retries only what the backend marks retryable. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) => api.toApiError(error).retryable && failures < 2,
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
    },
  });
}

/** Profiles of the AWS config. */
export function useProfiles() {
  return useQuery({ queryKey: ["profiles"], queryFn: api.listProfiles });
}

/** Partitions and their regions (fixed for the app's life). */
export function usePartitions() {
  return useQuery({ queryKey: ["partitions"], queryFn: api.listPartitions, staleTime: Infinity });
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
  return useQuery({ queryKey: ["sessions"], queryFn: api.listSessions, select: inOpeningOrder });
}

/** The open session with this id, once sessions are loaded. */
export function useSession(sessionId: string) {
  const sessions = useSessions();
  return { ...sessions, session: sessions.data?.find((s) => s.id === sessionId) };
}

/** Clusters of a session's current region. */
export function useClusters(session: api.SessionInfo) {
  return useQuery({
    queryKey: ["s", session.id, session.region, "clusters"],
    queryFn: () => api.listClusters(session.id),
    refetchInterval: REFRESH_MS,
  });
}

/** Services of a cluster. */
export function useServices(session: api.SessionInfo, cluster: string) {
  return useQuery({
    queryKey: ["s", session.id, session.region, "services", cluster],
    queryFn: () => api.listServices(session.id, cluster),
    refetchInterval: REFRESH_MS,
  });
}

/** One service with deployments, events and running tasks. */
export function useServiceDetail(session: api.SessionInfo, cluster: string, service: string) {
  return useQuery({
    queryKey: ["s", session.id, session.region, "service", cluster, service],
    queryFn: () => api.getService(session.id, cluster, service),
    refetchInterval: REFRESH_MS,
  });
}

/** Stopped tasks of a service, fetched only when asked for. */
export function useStoppedTasks(session: api.SessionInfo, cluster: string, service: string, enabled: boolean) {
  return useQuery({
    queryKey: ["s", session.id, session.region, "tasks", cluster, service, "STOPPED"],
    queryFn: () => api.listTasks(session.id, cluster, service, "STOPPED"),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** One task with its containers. */
export function useTaskDetail(session: api.SessionInfo, cluster: string, taskId: string) {
  return useQuery({
    queryKey: ["s", session.id, session.region, "task", cluster, taskId],
    queryFn: () => api.getTask(session.id, cluster, taskId),
    refetchInterval: REFRESH_MS,
  });
}
