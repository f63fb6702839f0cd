// The only module that talks to the Rust side. Every command of the bridge has one typed wrapper
// here; the rest of the UI imports these functions and types, never `invoke` itself.
import { Channel, invoke } from "@tauri-apps/api/core";

// Types of the bridge, generated from the Rust types by ts-rs (ui/src/bindings, committed).
import type { DesiredStatus, ErrorPayload, Partition } from "./bindings";
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
  AuditEntry,
  AuditFilter,
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
/** Audit entries, newest first. */
export const listAudit = (filter: AuditFilter): Promise<AuditEntry[]> => call("list_audit", { filter });
/** Writes the matching audit entries as CSV (Downloads folder unless a path is given); returns the file. */
export const exportAuditCsv = (filter: AuditFilter, path: string | null = null): Promise<string> =>
  call("export_audit_csv", { filter, path });
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
