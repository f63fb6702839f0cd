// Queries of the guarded actions: protection, the latest action, revisions, plans, the audit log.
import { useQuery } from "@tanstack/react-query";
import * as api from "../api";
import { queryKeys } from "../query/keys";

/** Protection of a service's cluster and account. */
export function useProtection(session: api.SessionInfo, cluster: string, service: string) {
  return useQuery({
    queryKey: queryKeys.actions.protection(session, cluster, service),
    queryFn: () => api.getProtection(session.id, cluster, service),
  });
}

/** The latest action on a service (progress or verdict), so one started earlier keeps showing. */
export function useActionStatus(session: api.SessionInfo, cluster: string, service: string) {
  return useQuery({
    queryKey: queryKeys.actions.status(session, cluster, service),
    queryFn: () => api.getActionStatus(session.id, cluster, service),
    staleTime: Infinity,
    // Started on another page (a task's Stop task): follow it here until its verdict.
    refetchInterval: (q) => (q.state.data != null && q.state.data.verdict === null ? 2_000 : false),
  });
}

/** Active revisions of the service's task family, read only when a rollback is being chosen. */
export function useRevisions(session: api.SessionInfo, cluster: string, service: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.actions.revisions(session, cluster, service),
    queryFn: () => api.listRevisions(session.id, cluster, service),
    enabled,
  });
}

/** The plan of one request: read once, never refetched or kept, as executing consumes it. */
export function usePlan(session: api.SessionInfo, cluster: string, service: string, request: api.ActionRequest) {
  return useQuery({
    queryKey: queryKeys.actions.plan(session, cluster, service, request),
    queryFn: () => api.planAction(session.id, cluster, service, request),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
}

/** Audit entries matching a filter, newest first. */
export function useAudit(filter: api.AuditFilter) {
  return useQuery({ queryKey: queryKeys.actions.audit(filter), queryFn: () => api.listAudit(filter) });
}
