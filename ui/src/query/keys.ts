// Every TanStack Query key of the app, in one place, so a hook, an invalidation and a cache write
// can never disagree about a key. Keys read through a session start with ["s", id, region]: a
// region switch then reads the new region instead of showing the old region's rows, and the
// sign-in prompt can tell which session a failed query belongs to (see `ssoSessionOfKey`).
import type { ActionRequest, AuditFilter, MetricRange, SessionInfo, Theme } from "../api";

/** What a session-scoped key depends on: the session and the region it is in now. */
type Scope = Pick<SessionInfo, "id" | "region">;

const scope = (s: Scope) => ["s", s.id, s.region] as const;
const health = (s: Scope) => [...scope(s), "health"] as const;
/** A health view of one service (deployments, events, …), all shaped the same way. */
const healthView =
  <const Name extends string>(name: Name) =>
  (s: Scope, cluster: string, service: string) =>
    [...health(s), name, cluster, service] as const;

export const queryKeys = {
  /** Profiles of the AWS config. */
  profiles: () => ["profiles"] as const,
  /** Partitions and their regions. */
  partitions: () => ["partitions"] as const,
  /** Open sessions. */
  sessions: () => ["sessions"] as const,

  sso: {
    /** sso-sessions of the AWS config with their sign-in state. */
    sessions: () => ["sso-sessions"] as const,
    /** Whether sign-in secrets go to a system keyring (fixed for the app's life). */
    keyring: () => ["sso-keyring"] as const,
    /** Accounts of a signed-in sso-session. */
    accounts: (ssoSession: string) => ["sso-accounts", ssoSession] as const,
    /** Roles of every account of an sso-session (to refresh or drop them together). */
    allRoles: (ssoSession: string) => ["sso-roles", ssoSession] as const,
    /** Roles of one account. */
    roles: (ssoSession: string, accountId: string | null) => ["sso-roles", ssoSession, accountId] as const,
  },

  browse: {
    clusters: (s: Scope) => [...scope(s), "clusters"] as const,
    services: (s: Scope, cluster: string) => [...scope(s), "services", cluster] as const,
    service: (s: Scope, cluster: string, service: string) => [...scope(s), "service", cluster, service] as const,
    stoppedTasks: (s: Scope, cluster: string, service: string) =>
      [...scope(s), "tasks", cluster, service, "STOPPED"] as const,
    task: (s: Scope, cluster: string, taskId: string) => [...scope(s), "task", cluster, taskId] as const,
  },

  health: {
    /** Every health key of a session (thresholds change them all). */
    all: health,
    /** The roll-up of every service of a cluster. */
    list: (s: Scope, cluster: string) => [...health(s), "list", cluster] as const,
    service: healthView("service"),
    metrics: (
      s: Scope,
      cluster: string,
      service: string,
      range: MetricRange,
      theme: Theme,
      width: number,
      height: number,
    ) => [...health(s), "metrics", cluster, service, range, theme, width, height] as const,
    deployments: healthView("deployments"),
    events: healthView("events"),
    targets: healthView("targets"),
    alarms: healthView("alarms"),
    scaling: healthView("scaling"),
    changes: healthView("changes"),
    /** The ready and saved Logs Insights queries of a session. */
    insightsQueries: (s: Scope) => [...health(s), "insightsQueries"] as const,
    /** The results of one Insights query run. */
    insightsResults: (s: Scope, queryId: string, theme: Theme, width: number) => [...health(s), "insights", queryId, theme, width] as const,
    stopped: healthView("stopped"),
    logSources: healthView("logSources"),
    thresholds: healthView("thresholds"),
    diff: (s: Scope, from: string | null, to: string | null) => [...health(s), "diff", from, to] as const,
  },

  actions: {
    revisions: (s: Scope, cluster: string, service: string) => [...scope(s), "revisions", cluster, service] as const,
    protection: (s: Scope, cluster: string, service: string) => [...scope(s), "protection", cluster, service] as const,
    status: (s: Scope, cluster: string, service: string) => [...scope(s), "action-status", cluster, service] as const,
    /** A plan lives for one dialog step; the request is part of the key so each request is planned once. */
    plan: (s: Pick<SessionInfo, "id">, cluster: string, service: string, request: ActionRequest) =>
      ["plan", s.id, cluster, service, JSON.stringify(request)] as const,
    /** Every audit list, whatever its filter. */
    allAudit: () => ["audit"] as const,
    audit: (filter: AuditFilter) => ["audit", filter] as const,
  },

  fleet: {
    view: () => ["fleet"] as const,
    pins: () => ["pins"] as const,
    palette: () => ["palette"] as const,
    /** Every service's history of a session (the retention applies to all). */
    allHistory: (s: Scope) => [...scope(s), "history"] as const,
    history: (s: Scope, cluster: string, service: string) => [...scope(s), "history", cluster, service] as const,
  },
};

/** The sso-session a query belongs to, from its key (undefined when it belongs to none). */
export function ssoSessionOfKey(key: readonly unknown[], sessions: SessionInfo[] | undefined): string | undefined {
  const [kind, id] = key;
  if (typeof id !== "string") return undefined;
  if (kind === "sso-accounts" || kind === "sso-roles") return id;
  if (kind === "s") return sessions?.find((s) => s.id === id)?.ssoSession;
  return undefined;
}
