// The only module that talks to the Rust side. Every command of the bridge has one typed wrapper
// here; the rest of the UI imports these functions and types, never `invoke` itself.
import { invoke } from "@tauri-apps/api/core";

// Types of the bridge, written from the team contract until ts-rs bindings are committed.
/** An AWS partition id. */
export type PartitionId = "aws" | "aws-us-gov";
/** How a profile gets its credentials. */
export type ProfileKind = "static" | "sso" | "process" | "assumeRole" | "other";
/** Error returned by every command. */
export interface ErrorPayload {
  code: string;
  message: string;
  retryable: boolean;
}
/** One profile of the AWS config file. */
export interface ProfileInfo {
  name: string;
  region: string | null;
  partition: PartitionId;
  kind: ProfileKind;
  ssoSession: string | null;
  accountId: string | null;
}
/** One region of a partition. */
export interface RegionInfo {
  code: string;
  name: string;
}
/** One partition with its regions. */
export interface PartitionInfo {
  id: PartitionId;
  label: string;
  defaultRegion: string;
  regions: RegionInfo[];
}
/** An open session (profile + account + region). */
export interface SessionInfo {
  id: string;
  profile: string;
  partition: PartitionId;
  accountId: string;
  accountName: string | null;
  arn: string;
  region: string;
}
/** A cluster row. */
export interface ClusterSummary {
  name: string;
  arn: string;
  status: string;
  activeServices: number;
  runningTasks: number;
  pendingTasks: number;
  capacityProviders: string[];
}
/** The latest deployment of a service, as shown in the list. */
export interface LastDeployment {
  rolloutState: string | null;
  status: string;
  updatedAt: string | null;
}
/** A service row. */
export interface ServiceSummary {
  name: string;
  arn: string;
  status: string;
  desired: number;
  running: number;
  pending: number;
  launchType: string | null;
  taskDefinition: string;
  taskDefinitionRevision: number;
  lastDeployment: LastDeployment | null;
}
/** One deployment of a service. */
export interface DeploymentInfo {
  id: string;
  status: string;
  rolloutState: string | null;
  rolloutStateReason: string | null;
  taskDefinition: string;
  desired: number;
  running: number;
  pending: number;
  failed: number;
  createdAt: string | null;
  updatedAt: string | null;
}
/** One service event. */
export interface ServiceEventInfo {
  id: string;
  createdAt: string | null;
  message: string;
}
/** A load balancer attached to a service. */
export interface LoadBalancerInfo {
  targetGroupArn: string | null;
  loadBalancerName: string | null;
  containerName: string | null;
  containerPort: number | null;
}
/** A task row. */
export interface TaskSummary {
  id: string;
  arn: string;
  lastStatus: string;
  desiredStatus: string;
  healthStatus: string | null;
  startedAt: string | null;
  stoppedAt: string | null;
  stopCode: string | null;
  stoppedReason: string | null;
  taskDefinition: string;
  privateIp: string | null;
  launchType: string | null;
}
/** Everything the service page shows. */
export interface ServiceDetail {
  summary: ServiceSummary;
  deployments: DeploymentInfo[];
  events: ServiceEventInfo[];
  tasks: TaskSummary[];
  loadBalancers: LoadBalancerInfo[];
  minimumHealthyPercent: number | null;
  maximumPercent: number | null;
}
/** One container of a task. */
export interface ContainerInfo {
  name: string;
  image: string | null;
  lastStatus: string | null;
  exitCode: number | null;
  reason: string | null;
  healthStatus: string | null;
}
/** Everything the task page shows. */
export interface TaskDetail {
  summary: TaskSummary;
  containers: ContainerInfo[];
  createdAt: string | null;
  pullStartedAt: string | null;
  stoppingAt: string | null;
  cpu: string | null;
  memory: string | null;
  availabilityZone: string | null;
  group: string | null;
}
/** Which tasks to list. */
export type DesiredStatus = "RUNNING" | "STOPPED";

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
