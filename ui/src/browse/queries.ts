// Queries of the clusters → services → service → task pages.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import * as api from "../api";
import { queryKeys } from "../query/keys";

/** How often lists refresh on their own. */
export const REFRESH_MS = 15_000;

/** Clusters of a session's current region. */
export function useClusters(session: api.SessionInfo) {
  return useQuery({
    queryKey: queryKeys.browse.clusters(session),
    queryFn: () => api.listClusters(session.id),
    refetchInterval: REFRESH_MS,
  });
}

/** Services of a cluster. */
export function useServices(session: api.SessionInfo, cluster: string) {
  return useQuery({
    queryKey: queryKeys.browse.services(session, cluster),
    queryFn: () => api.listServices(session.id, cluster),
    refetchInterval: REFRESH_MS,
  });
}

/** One service with deployments, events and running tasks. */
export function useServiceDetail(session: api.SessionInfo, cluster: string, service: string) {
  return useQuery({
    queryKey: queryKeys.browse.service(session, cluster, service),
    queryFn: () => api.getService(session.id, cluster, service),
    refetchInterval: REFRESH_MS,
  });
}

/** Stopped tasks of a service, fetched only when asked for. */
export function useStoppedTasks(session: api.SessionInfo, cluster: string, service: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.browse.stoppedTasks(session, cluster, service),
    queryFn: () => api.listTasks(session.id, cluster, service, "STOPPED"),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** One task with its containers. */
export function useTaskDetail(session: api.SessionInfo, cluster: string, taskId: string) {
  return useQuery({
    queryKey: queryKeys.browse.task(session, cluster, taskId),
    queryFn: () => api.getTask(session.id, cluster, taskId),
    refetchInterval: REFRESH_MS,
  });
}
