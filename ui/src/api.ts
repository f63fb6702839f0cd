// The only module that talks to the Rust side. Every command of the bridge has one typed wrapper
// here; the rest of the UI imports these functions and types, never `invoke` itself.
import { Channel, invoke } from "@tauri-apps/api/core";

// Types of the bridge, generated from the Rust types by ts-rs (ui/src/bindings, committed).
import type { DesiredStatus, ErrorPayload, Partition, ZoomChange } from "./bindings";
import type {
  ClusterSummary,
  PartitionInfo,
  ProfileInfo,
  ServiceDetail,
  ServiceSummary,
  SessionInfo,
  TaskDetail,
  TaskSummary,
} from "./bindings";

import type {
  AccountInfo,
  LoginMethod,
  LoginProgress,
  LoginStarted,
  RoleInfo,
  SsoSessionStatus,
} from "./bindings";

import type {
  ActionPlan,
  ActionRequest,
  ActionStatus,
  AuditFilter,
  AuditPage,
  ExecuteStarted,
  ProtectionLevel,
  ProtectionScope,
  ProtectionView,
  RevisionInfo,
  WatchUpdate,
} from "./bindings";

export type * from "./bindings";
/** An AWS partition id ("aws" or "aws-us-gov"). */
export type PartitionId = Partition;
export type { DesiredStatus, ErrorPayload };

/** A failed command, carrying the bridge's error payload. */
export class ApiError extends Error {
  /** AWS or app error code, e.g. "AccessDeniedException" or "Unreachable". */
  readonly code: string;
  /** Whether trying again may help. */
  readonly retryable: boolean;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = "ApiError";
    this.code = payload.code;
    this.retryable = payload.retryable;
  }
}

function isErrorPayload(value: unknown): value is { code: string; message: string; retryable?: unknown } {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && typeof v.message === "string";
}

/** Turns whatever a rejected `invoke` gave into an ApiError (the bridge promises ErrorPayload). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isErrorPayload(error)) {
    return new ApiError({ code: error.code, message: error.message, retryable: typeof error.retryable === "boolean" && error.retryable });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError({
    code: "Internal",
    message: message === "" ? "Something went wrong inside ECS Desk." : message,
    retryable: false,
  });
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toApiError(error);
  }
}

/** Profiles of the AWS config file. */
export const listProfiles = (): Promise<ProfileInfo[]> => call("list_profiles");
/** Partitions with their regions. */
export const listPartitions = (): Promise<PartitionInfo[]> => call("list_partitions");
/** Signs in with a profile; region null means the profile's or the partition's default. */
export const openSession = (profile: string, region: string | null): Promise<SessionInfo> =>
  call("open_session", { profile, region });
/** Sessions open now. */
export const listSessions = (): Promise<SessionInfo[]> => call("list_sessions");
/** Moves a session to another region of its partition. */
export const setSessionRegion = (sessionId: string, region: string): Promise<SessionInfo> =>
  call("set_session_region", { sessionId, region });
/** Closes a session. */
export const closeSession = (sessionId: string): Promise<null> => call("close_session", { sessionId });
/** Clusters of the session's region. */
export const listClusters = (sessionId: string): Promise<ClusterSummary[]> => call("list_clusters", { sessionId });
/** Services of a cluster. */
export const listServices = (sessionId: string, cluster: string): Promise<ServiceSummary[]> =>
  call("list_services", { sessionId, cluster });
/** One service with deployments, events and running tasks. */
export const getService = (sessionId: string, cluster: string, service: string): Promise<ServiceDetail> =>
  call("get_service", { sessionId, cluster, service });
/** Tasks of a service with the given desired status. */
export const listTasks = (
  sessionId: string,
  cluster: string,
  service: string,
  desiredStatus: DesiredStatus,
): Promise<TaskSummary[]> => call("list_tasks", { sessionId, cluster, service, desiredStatus });
/** One task with its containers. */
export const getTask = (sessionId: string, cluster: string, taskId: string): Promise<TaskDetail> =>
  call("get_task", { sessionId, cluster, taskId });

// Sign-in through IAM Identity Center (AWS SSO).

/** sso-sessions of the AWS config with their sign-in state and expiry. */
export const listSsoSessions = (): Promise<SsoSessionStatus[]> => call("list_sso_sessions");
/** Adds an sso-session to the AWS config (name null: made from the start URL). */
export const addSsoSession = (name: string | null, startUrl: string, region: string): Promise<SsoSessionStatus> =>
  call("add_sso_session", { name, startUrl, region });
/** Starts a sign-in; `onProgress` hears every step until `signedIn` or `failed`. */
export function ssoLoginStart(
  session: string,
  method: LoginMethod,
  onProgress: (progress: LoginProgress) => void,
): Promise<LoginStarted> {
  const channel = new Channel<LoginProgress>();
  channel.onmessage = onProgress;
  return call("sso_login_start", { session, method, channel });
}
/** Cancels the sign-in in progress; false when none was running. */
export const ssoLoginCancel = (session: string): Promise<boolean> => call("sso_login_cancel", { session });
/** Whether sign-in secrets are kept in the system keyring (false: the AWS CLI cache file, and memory until quit). */
export const keyringAvailable = (): Promise<boolean> => call("keyring_available");
/** Signs out (sso Logout, token cache and keyring cleared); returns the ids of the sessions closed. */
export const ssoLogout = (session: string): Promise<string[]> => call("sso_logout", { session });
/** Accounts of the portal, favourites first; `refresh` asks the portal instead of the cache. */
export const listSsoAccounts = (session: string, refresh: boolean): Promise<AccountInfo[]> =>
  call("list_sso_accounts", { session, refresh });
/** Roles the user may take in an account. */
export const listSsoRoles = (session: string, accountId: string): Promise<RoleInfo[]> =>
  call("list_sso_roles", { session, accountId });
/** Marks an account as a favourite (or not); returns the favourite account ids. */
export const setFavourite = (session: string, accountId: string, favourite: boolean): Promise<string[]> =>
  call("set_favourite", { session, accountId, favourite });
/** Opens a session for a role of an account; region null means the partition's default. */
export const openSsoSession = (
  session: string,
  accountId: string,
  roleName: string,
  region: string | null,
): Promise<SessionInfo> => call("open_sso_session", { session, accountId, roleName, region });

// Guarded actions: plan → confirm → execute → watch → audit.

/** Plans an action: what ECS will do, the risk and how to confirm. Nothing changes yet. */
export const planAction = (
  sessionId: string,
  cluster: string,
  service: string,
  action: ActionRequest,
): Promise<ActionPlan> => call("plan_action", { sessionId, cluster, service, action });
/** Executes a confirmed plan (typed service name when the plan asks for it); `onUpdate` hears the
 * progress until the update that carries the verdict. */
export function executeAction(
  planId: string,
  typedConfirmation: string | null,
  onUpdate: (update: WatchUpdate) => void,
): Promise<ExecuteStarted> {
  const channel = new Channel<WatchUpdate>();
  channel.onmessage = onUpdate;
  return call("execute_action", { planId, typedConfirmation, channel });
}
/** Cancels a plan (recorded in the audit log) or stops watching an executed one. */
export const cancelAction = (planId: string): Promise<null> => call("cancel_action", { planId });
/** The latest action on a service since the app started (progress or verdict). */
export const getActionStatus = (sessionId: string, cluster: string, service: string): Promise<ActionStatus | null> =>
  call("get_action_status", { sessionId, cluster, service });
/** Active revisions of the service's task family, newest first. */
export const listRevisions = (sessionId: string, cluster: string, service: string): Promise<RevisionInfo[]> =>
  call("list_revisions", { sessionId, cluster, service });
/** Audit entries, newest first, with the count of damaged lines that could not be read. */
export const listAudit = (filter: AuditFilter): Promise<AuditPage> => call("list_audit", { filter });
/** Writes the matching audit entries as a new CSV file in the exports folder (Downloads/ECS Desk); returns the file. */
export const exportAuditCsv = (filter: AuditFilter): Promise<string> => call("export_audit_csv", { filter });
/** Protection of a service's cluster and account. */
export const getProtection = (sessionId: string, cluster: string, service: string): Promise<ProtectionView> =>
  call("get_protection", { sessionId, cluster, service });
/** Sets (or with null clears) the protection of the account or the cluster. */
export const setProtection = (
  sessionId: string,
  cluster: string,
  service: string,
  scope: ProtectionScope,
  level: ProtectionLevel | null,
): Promise<ProtectionView> => call("set_protection", { sessionId, cluster, service, scope, level });

// Service health: roll-up, charts, deployments, events, targets, alarms, stopped tasks, logs.
import type {
  AlarmInfo,
  InsightsResults,
  InsightsRun,
  NamedQuery,
  LogBatch,
  LogLine,
  LogPage,
  LogQuery,
  LogSource,
  MetricRange,
  ServiceCharts,
  ServiceDeployments,
  ServiceEvent,
  ServiceHealth,
  ServiceChanges,
  ServiceScaling,
  StoppedTask,
  TargetGroupHealth,
  TaskDefinitionDiff,
  Theme,
  ThresholdSetting,
  Thresholds,
} from "./bindings";

/** Cheap health (ECS counts, deployments, stopped tasks) of every service of a cluster. */
export const servicesHealth = (sessionId: string, cluster: string, thresholds: Thresholds | null = null): Promise<ServiceHealth[]> =>
  call("services_health", { sessionId, cluster, thresholds });
/** Full health of one service: also targets, alarms and the last hour's metrics. */
export const serviceHealth = (
  sessionId: string,
  cluster: string,
  service: string,
  thresholds: Thresholds | null = null,
): Promise<ServiceHealth> => call("service_health", { sessionId, cluster, service, thresholds });
/** A service's health thresholds (its own, or the runbook defaults). */
export const getThresholds = (sessionId: string, cluster: string, service: string): Promise<ThresholdSetting> =>
  call("get_thresholds", { sessionId, cluster, service });
/** Saves a service's thresholds; `null` resets them to the runbook defaults. */
export const setThresholds = (
  sessionId: string,
  cluster: string,
  service: string,
  thresholds: Thresholds | null,
): Promise<ThresholdSetting> => call("set_thresholds", { sessionId, cluster, service, thresholds });
/** Every chart of a service for a range, drawn as SVG (one GetMetricData call per range). */
export const serviceMetrics = (
  sessionId: string,
  cluster: string,
  service: string,
  range: MetricRange,
  theme: Theme,
  width: number,
  height: number,
  thresholds: Thresholds | null = null,
): Promise<ServiceCharts> =>
  call("service_metrics", { sessionId, cluster, service, range, theme, width, height, thresholds });
/** Saves one chart as PNG (Downloads/ECS Desk); returns the file path. */
export const exportChartPng = (
  sessionId: string,
  cluster: string,
  service: string,
  range: MetricRange,
  chartId: string,
  theme: Theme,
  width: number,
  height: number,
  thresholds: Thresholds | null = null,
): Promise<string> =>
  call("export_chart_png", { sessionId, cluster, service, range, chartId, theme, width, height, thresholds });
/** Target health per target group. */
export const targetHealth = (sessionId: string, cluster: string, service: string): Promise<TargetGroupHealth[]> =>
  call("target_health", { sessionId, cluster, service });
/** CloudWatch alarms on the service and its load balancer. */
export const serviceAlarms = (sessionId: string, cluster: string, service: string): Promise<AlarmInfo[]> =>
  call("service_alarms", { sessionId, cluster, service });
/** Auto scaling of a service: limits, policies, schedules, activities and warnings. */
export const serviceScaling = (sessionId: string, cluster: string, service: string): Promise<ServiceScaling> =>
  call("service_scaling", { sessionId, cluster, service });
/** Who changed a service in the last 90 days (CloudTrail); `more` continues an earlier answer. */
export const serviceChanges = (sessionId: string, cluster: string, service: string, more: string | null): Promise<ServiceChanges> =>
  call("service_changes", { sessionId, cluster, service, more });
/** Logs Insights: ECS Desk's ready queries and the account's saved ones. */
export const insightsQueries = (sessionId: string): Promise<NamedQuery[]> => call("insights_queries", { sessionId });
/** Logs Insights: starts a query over the service's log groups (epoch seconds). */
export const insightsStart = (sessionId: string, cluster: string, service: string, query: string, start: number, end: number): Promise<InsightsRun> =>
  call("insights_start", { sessionId, cluster, service, query, start, end });
/** Logs Insights: a query's results so far, with a chart when they run over time. */
export const insightsResults = (
  sessionId: string,
  region: string,
  queryId: string,
  start: number,
  end: number,
  theme: Theme,
  width: number,
  height: number,
): Promise<InsightsResults> => call("insights_results", { sessionId, region, queryId, start, end, theme, width, height });
/** Logs Insights: stops a query. */
export const insightsStop = (sessionId: string, region: string, queryId: string): Promise<null> => call("insights_stop", { sessionId, region, queryId });
/** Recently stopped tasks with a plain-language diagnosis. */
export const stoppedTasks = (sessionId: string, cluster: string, service: string): Promise<StoppedTask[]> =>
  call("stopped_tasks", { sessionId, cluster, service });
/** Deployments and circuit breaker settings. */
export const serviceDeployments = (sessionId: string, cluster: string, service: string): Promise<ServiceDeployments> =>
  call("service_deployments", { sessionId, cluster, service });
/** What changed between two task definition revisions (environment NAMES only). */
export const taskDefinitionDiff = (sessionId: string, from: string, to: string): Promise<TaskDefinitionDiff> =>
  call("task_definition_diff", { sessionId, from, to });
/** Service events, newest first, with glosses. */
export const serviceEvents = (sessionId: string, cluster: string, service: string): Promise<ServiceEvent[]> =>
  call("service_events", { sessionId, cluster, service });
/** Log groups and stream prefixes of the service's containers. */
export const logSources = (sessionId: string, cluster: string, service: string): Promise<LogSource[]> =>
  call("log_sources", { sessionId, cluster, service });
/** The latest lines of a log group (or one stream). */
export const logRecent = (
  sessionId: string,
  group: string,
  stream: string | null,
  limit: number | null,
  region: string | null,
): Promise<LogLine[]> => call("log_recent", { sessionId, group, stream, limit, region });
/** One page of a log search (pass nextToken back for the next page). */
export const logSearch = (sessionId: string, query: LogQuery): Promise<LogPage> => call("log_search", { sessionId, query });
/** Error lines of the last hour (runbook 001). */
export const logErrors = (
  sessionId: string,
  group: string,
  streamPrefix: string | null,
  region: string | null,
): Promise<LogPage> => call("log_errors", { sessionId, group, streamPrefix, region });
/** Follows a log search: new lines reach `onBatch`; returns the follow id. */
export function logFollowStart(sessionId: string, query: LogQuery, onBatch: (batch: LogBatch) => void): Promise<string> {
  const channel = new Channel<LogBatch>();
  channel.onmessage = onBatch;
  return call("log_follow_start", { sessionId, query, channel });
}
/** Pauses a follow. */
export const logFollowPause = (followId: string): Promise<null> => call("log_follow_pause", { followId });
/** Resumes a follow. */
export const logFollowResume = (followId: string): Promise<null> => call("log_follow_resume", { followId });
/** Stops a follow. */
export const logFollowStop = (followId: string): Promise<null> => call("log_follow_stop", { followId });
/** Saves lines of a log group as a new text file in the exports folder (Downloads/ECS Desk); returns its path. */
export const logSave = (group: string, lines: LogLine[]): Promise<string> => call("log_save", { group, lines });

// Fleet view, palette, history, incident snapshots and AWS console links.
import type {
  ConsoleLink,
  ConsoleTarget,
  FleetView,
  PaletteEntry,
  Pin,
  RangePreset,
  ServiceHistory,
  SnapshotWritten,
} from "./bindings";

/** The AWS console URL of a resource (right host for the partition). */
export const consoleUrl = (partition: PartitionId, region: string, target: ConsoleTarget): Promise<string> =>
  call("console_url", { partition, region, target });
/** Opens a resource's AWS console page in the browser for a session (signed in as its role when it came through the access portal); returns what was opened. */
export const openConsole = (sessionId: string, target: ConsoleTarget): Promise<ConsoleLink> => call("open_console", { sessionId, target });
/** Pinned services. */
export const listPins = (): Promise<Pin[]> => call("list_pins");
/** Pins a service of an open session; returns the pins. */
export const pinService = (sessionId: string, cluster: string, service: string): Promise<Pin[]> =>
  call("pin_service", { sessionId, cluster, service });
/** Removes a pin by key; returns the pins. */
export const unpinService = (key: string): Promise<Pin[]> => call("unpin_service", { key });
/** Every pin with health, counts, sparklines and session state, worst first. */
export const fleetView = (): Promise<FleetView> => call("fleet_view", { thresholds: null });
/** Services of every open session, for the Ctrl+K palette. */
export const paletteIndex = (): Promise<PaletteEntry[]> => call("palette_index");
/** Records what AWS shows now and returns all the app kept about a service. */
export const serviceHistory = (sessionId: string, cluster: string, service: string): Promise<ServiceHistory> =>
  call("service_history", { sessionId, cluster, service });
/** Sets how many days history keeps. */
export const setHistoryRetention = (days: number): Promise<number> => call("set_history_retention", { days });
/** Writes an incident snapshot (HTML and Markdown) of a service as new files in the exports folder. */
export const writeSnapshot = (
  sessionId: string,
  cluster: string,
  service: string,
  range: RangePreset | null = null,
): Promise<SnapshotWritten> => call("write_snapshot", { sessionId, cluster, service, range });
/** The remembered page zoom in percent. */
export const getZoom = (): Promise<number> => call("get_zoom");
/** Applies Ctrl + / Ctrl − / Ctrl 0 to the window and remembers it; returns the new zoom in percent. */
export const changeZoom = (change: ZoomChange): Promise<number> => call("change_zoom", { change });
