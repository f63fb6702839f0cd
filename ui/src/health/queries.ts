// TanStack Query hooks of the service-health views. Keys carry the session's region like the
// rest of the app, so a region switch never shows another region's data.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import * as api from "../api";

/** How often the health views refresh on their own. */
export const HEALTH_REFRESH_MS = 60_000;

const key = (session: api.SessionInfo, ...rest: unknown[]) => ["s", session.id, session.region, "health", ...rest];

/** Cheap health of every service of a cluster (services list dots). */
export function useServicesHealth(session: api.SessionInfo, cluster: string) {
  return useQuery({
    queryKey: key(session, "list", cluster),
    queryFn: () => api.servicesHealth(session.id, cluster),
    refetchInterval: HEALTH_REFRESH_MS,
  });
}

/** Full health of one service (banner). */
export function useServiceHealth(session: api.SessionInfo, cluster: string, service: string) {
  return useQuery({
    queryKey: key(session, "service", cluster, service),
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
    queryKey: key(session, "metrics", cluster, service, range, theme, width, height),
    queryFn: () => api.serviceMetrics(session.id, cluster, service, range, theme, width, height),
    refetchInterval: HEALTH_REFRESH_MS,
    placeholderData: keepPreviousData,
    enabled: width > 0,
  });
}

/** Generic per-service view query. */
function useView<T>(session: api.SessionInfo, cluster: string, service: string, name: string, fn: () => Promise<T>) {
  return useQuery({ queryKey: key(session, name, cluster, service), queryFn: fn, refetchInterval: HEALTH_REFRESH_MS });
}

/** Deployments. */
export const useDeployments = (s: api.SessionInfo, c: string, v: string) =>
  useView(s, c, v, "deployments", () => api.serviceDeployments(s.id, c, v));
/** Events with glosses. */
export const useEvents = (s: api.SessionInfo, c: string, v: string) =>
  useView(s, c, v, "events", () => api.serviceEvents(s.id, c, v));
/** Target health. */
export const useTargets = (s: api.SessionInfo, c: string, v: string) =>
  useView(s, c, v, "targets", () => api.targetHealth(s.id, c, v));
/** Alarms. */
export const useAlarms = (s: api.SessionInfo, c: string, v: string) =>
  useView(s, c, v, "alarms", () => api.serviceAlarms(s.id, c, v));
/** Stopped tasks with diagnoses. */
export const useStoppedDiagnoses = (s: api.SessionInfo, c: string, v: string) =>
  useView(s, c, v, "stopped", () => api.stoppedTasks(s.id, c, v));
/** Log sources (task definition awslogs options). */
export function useLogSources(s: api.SessionInfo, c: string, v: string) {
  return useQuery({ queryKey: key(s, "logSources", c, v), queryFn: () => api.logSources(s.id, c, v), staleTime: 300_000 });
}

/** A revision diff. */
export function useDiff(s: api.SessionInfo, from: string | null, to: string | null) {
  return useQuery({
    queryKey: key(s, "diff", from, to),
    queryFn: () => api.taskDefinitionDiff(s.id, from ?? "", to ?? ""),
    enabled: from !== null && to !== null,
    staleTime: Infinity,
  });
}
