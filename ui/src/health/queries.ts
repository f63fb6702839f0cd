// Queries of the service-health views: roll-ups, charts, the tabs and the thresholds.
import { keepPreviousData, useInfiniteQuery, useQuery, type QueryKey } from "@tanstack/react-query";
import * as api from "../api";
import { queryKeys } from "../query/keys";

/** How often the health views refresh on their own. */
export const HEALTH_REFRESH_MS = 60_000;

/** Cheap health of every service of a cluster (services list dots). */
export function useServicesHealth(session: api.SessionInfo, cluster: string) {
  return useQuery({
    queryKey: queryKeys.health.list(session, cluster),
    queryFn: () => api.servicesHealth(session.id, cluster),
    refetchInterval: HEALTH_REFRESH_MS,
  });
}

/** Full health of one service (banner). */
export function useServiceHealth(session: api.SessionInfo, cluster: string, service: string) {
  return useQuery({
    queryKey: queryKeys.health.service(session, cluster, service),
    queryFn: () => api.serviceHealth(session.id, cluster, service),
    refetchInterval: HEALTH_REFRESH_MS,
  });
}

/** Every chart of one range at a size and theme. */
export function useServiceMetrics(
  session: api.SessionInfo,
  cluster: string,
  service: string,
  range: api.MetricRange,
  theme: api.Theme,
  width: number,
  height: number,
) {
  return useQuery({
    queryKey: queryKeys.health.metrics(session, cluster, service, range, theme, width, height),
    queryFn: () => api.serviceMetrics(session.id, cluster, service, range, theme, width, height),
    refetchInterval: HEALTH_REFRESH_MS,
    placeholderData: keepPreviousData,
    enabled: width > 0,
  });
}

/** A health tab's query, refreshed like the rest of the health views. */
function useTab<T>(queryKey: QueryKey, queryFn: () => Promise<T>) {
  return useQuery({ queryKey, queryFn, refetchInterval: HEALTH_REFRESH_MS });
}

/** How often the Deployments tab refreshes while a deployment moves (stage, traffic, bake). */
export const DEPLOYMENT_MOVING_REFRESH_MS = 10_000;

/** Statuses of a service deployment that is not over yet. */
const MOVING = new Set(["PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"]);

/** Deployments: refreshed often while one is under way, like the rest otherwise. */
export const useDeployments = (s: api.SessionInfo, c: string, v: string) =>
  useQuery({
    queryKey: queryKeys.health.deployments(s, c, v),
    queryFn: () => api.serviceDeployments(s.id, c, v),
    refetchInterval: (q) =>
      q.state.data?.history.deployments.some((d) => MOVING.has(d.status)) === true ? DEPLOYMENT_MOVING_REFRESH_MS : HEALTH_REFRESH_MS,
  });
/** Events with glosses. */
export const useEvents = (s: api.SessionInfo, c: string, v: string) =>
  useTab(queryKeys.health.events(s, c, v), () => api.serviceEvents(s.id, c, v));
/** Target health. */
export const useTargets = (s: api.SessionInfo, c: string, v: string) =>
  useTab(queryKeys.health.targets(s, c, v), () => api.targetHealth(s.id, c, v));
/** Alarms. */
export const useAlarms = (s: api.SessionInfo, c: string, v: string) =>
  useTab(queryKeys.health.alarms(s, c, v), () => api.serviceAlarms(s.id, c, v));
/** Changes by anyone (CloudTrail), page by page: older pages on request. */
export const useChanges = (s: api.SessionInfo, c: string, v: string) =>
  useInfiniteQuery({
    queryKey: queryKeys.health.changes(s, c, v),
    queryFn: ({ pageParam }) => api.serviceChanges(s.id, c, v, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.more,
    staleTime: 60_000,
  });
/** Auto scaling. */
export const useScaling = (s: api.SessionInfo, c: string, v: string) =>
  useTab(queryKeys.health.scaling(s, c, v), () => api.serviceScaling(s.id, c, v));
/** Stopped tasks with diagnoses. */
export const useStoppedDiagnoses = (s: api.SessionInfo, c: string, v: string) =>
  useTab(queryKeys.health.stopped(s, c, v), () => api.stoppedTasks(s.id, c, v));
/** Log sources (task definition awslogs options). */
export function useLogSources(s: api.SessionInfo, c: string, v: string) {
  return useQuery({ queryKey: queryKeys.health.logSources(s, c, v), queryFn: () => api.logSources(s.id, c, v), staleTime: 300_000 });
}

/** A service's thresholds (its own, or the runbook defaults). */
export function useThresholds(s: api.SessionInfo, c: string, v: string) {
  return useQuery({ queryKey: queryKeys.health.thresholds(s, c, v), queryFn: () => api.getThresholds(s.id, c, v) });
}

/** A revision diff. */
export function useDiff(s: api.SessionInfo, from: string | null, to: string | null) {
  return useQuery({
    queryKey: queryKeys.health.diff(s, from, to),
    queryFn: () => api.taskDefinitionDiff(s.id, from ?? "", to ?? ""),
    enabled: from !== null && to !== null,
    staleTime: Infinity,
  });
}
