// Test-only fixtures: a fake bridge behind a mocked `invoke`, and the data of the demo scenario.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { vi } from "vitest";
import type {
  ClusterSummary,
  PartitionInfo,
  ProfileInfo,
  ServiceDetail,
  ServiceSummary,
  SessionInfo,
  TaskDetail,
  TaskSummary,
} from "../api";

/** A handler per command; a handler may throw an ErrorPayload-shaped object to fail. */
export type Handlers = Record<string, (args: Record<string, unknown>) => unknown>;

/** Routes mocked `invoke` calls to handlers and records them. */
export function fakeBridge(invokeMock: unknown, handlers: Handlers) {
  const calls: { command: string; args: Record<string, unknown> }[] = [];
  vi.mocked(invokeMock as (cmd: string, args?: Record<string, unknown>) => Promise<unknown>).mockImplementation(
    (command: string, args?: Record<string, unknown>) => {
      const a = args ?? {};
      calls.push({ command, args: a });
      const h = handlers[command];
      if (h === undefined) return Promise.reject({ code: "Internal", message: `no handler for ${command}`, retryable: false });
      try {
        return Promise.resolve(h(a));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  );
  return calls;
}

/** Renders with a fresh query client that does not retry. */
export function renderWithClient(ui: ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return { client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) };
}

export const partitions: PartitionInfo[] = [
  {
    id: "aws",
    label: "Commercial",
    defaultRegion: "us-east-1",
    regions: [
      { code: "us-east-1", name: "US East (N. Virginia)" },
      { code: "us-west-2", name: "US West (Oregon)" },
    ],
  },
  {
    id: "aws-us-gov",
    label: "GovCloud (US)",
    defaultRegion: "us-gov-east-1",
    regions: [
      { code: "us-gov-east-1", name: "AWS GovCloud (US-East)" },
      { code: "us-gov-west-1", name: "AWS GovCloud (US-West)" },
    ],
  },
];

export const profiles: ProfileInfo[] = [
  { name: "demo-commercial", region: "us-east-1", partition: "aws", kind: "static", ssoSession: null, accountId: null },
  { name: "demo-govcloud", region: null, partition: "aws-us-gov", kind: "static", ssoSession: null, accountId: null },
];

export const govSession: SessionInfo = {
  id: "s-gov",
  profile: "demo-govcloud",
  partition: "aws-us-gov",
  accountId: "210987654321",
  accountName: "tak-govcloud-prod",
  arn: "arn:aws-us-gov:iam::210987654321:user/operator",
  region: "us-gov-east-1",
};

export const comSession: SessionInfo = {
  id: "s-com",
  profile: "demo-commercial",
  partition: "aws",
  accountId: "123456789012",
  accountName: "tak-commercial-staging",
  arn: "arn:aws:iam::123456789012:user/operator",
  region: "us-east-1",
};

export const clusters: ClusterSummary[] = [
  {
    name: "coe-ecs-prod",
    arn: "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:cluster/coe-ecs-prod",
    status: "ACTIVE",
    activeServices: 2,
    runningTasks: 3,
    pendingTasks: 0,
    capacityProviders: ["FARGATE"],
  },
  {
    name: "wft-ecs-prod",
    arn: "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:cluster/wft-ecs-prod",
    status: "ACTIVE",
    activeServices: 1,
    runningTasks: 1,
    pendingTasks: 0,
    capacityProviders: [],
  },
];

export const etlService: ServiceSummary = {
  name: "coe-etl-prod-Service",
  arn: "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:service/coe-ecs-prod/coe-etl-prod-Service",
  status: "ACTIVE",
  desired: 1,
  running: 1,
  pending: 0,
  launchType: "FARGATE",
  taskDefinition: "coe-etl-prod:3",
  taskDefinitionRevision: 3,
  lastDeployment: { rolloutState: "COMPLETED", status: "PRIMARY", updatedAt: "2026-11-20T10:00:00Z" },
};

export const runningTask: TaskSummary = {
  id: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  arn: "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:task/coe-ecs-prod/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  lastStatus: "RUNNING",
  desiredStatus: "RUNNING",
  healthStatus: "HEALTHY",
  startedAt: "2026-11-20T10:01:00Z",
  stoppedAt: null,
  stopCode: null,
  stoppedReason: null,
  taskDefinition: "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:task-definition/coe-etl-prod:3",
  privateIp: "10.0.1.23",
  launchType: "FARGATE",
};

export const stoppedTask: TaskSummary = {
  ...runningTask,
  id: "aaaabbbbccccdddd0000111122223333",
  arn: "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:task/coe-ecs-prod/aaaabbbbccccdddd0000111122223333",
  lastStatus: "STOPPED",
  desiredStatus: "STOPPED",
  stoppedAt: "2026-11-20T09:59:00Z",
  stopCode: "EssentialContainerExited",
  stoppedReason: "OutOfMemoryError: Container killed due to memory usage",
};

export const etlDetail: ServiceDetail = {
  summary: etlService,
  deployments: [
    {
      id: "ecs-svc/1",
      status: "PRIMARY",
      rolloutState: "COMPLETED",
      rolloutStateReason: "ECS deployment ecs-svc/1 completed.",
      taskDefinition: "coe-etl-prod:3",
      desired: 1,
      running: 1,
      pending: 0,
      failedTasks: 0,
      revision: 3,
      launchType: "FARGATE",
      createdAt: "2026-11-20T10:00:00Z",
      updatedAt: "2026-11-20T10:02:00Z",
      circuitBreakerTripped: false,
    },
  ],
  events: [
    { id: "e3", createdAt: "2026-11-20T10:03:00Z", message: "(service coe-etl-prod-Service) has reached a steady state." },
    { id: "e2", createdAt: "2026-11-20T10:02:00Z", message: "(service coe-etl-prod-Service) deployment ecs-svc/1 completed." },
    { id: "e1", createdAt: "2026-11-20T10:01:00Z", message: "(service coe-etl-prod-Service) has started 1 tasks." },
  ],
  tasks: [runningTask],
  loadBalancers: [
    { targetGroupArn: "arn:aws-us-gov:elasticloadbalancing:us-gov-east-1:210987654321:targetgroup/coe-etl-prod-tg/abc", targetGroupName: "coe-etl-prod-tg", loadBalancerName: null, containerName: "api", containerPort: 443, alternateTargetGroupName: null },
  ],
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  kind: { scheduling: "replica", controller: "ecs" },
  limits: { restart: null, scale: null, rollback: null },
  strategy: { kind: "rolling", bakeMinutes: 0, canaryPercent: null, canaryMinutes: null, stepPercent: null, stepMinutes: null, pauses: [] },
};

export const taskDetail: TaskDetail = {
  summary: runningTask,
  containers: [
    { name: "api", image: "123.dkr.ecr/coe-etl:3", lastStatus: "RUNNING", exitCode: null, reason: null, healthStatus: "HEALTHY" },
    { name: "init", image: "busybox", lastStatus: "STOPPED", exitCode: 137, reason: "OutOfMemoryError", healthStatus: null },
  ],
  createdAt: "2026-11-20T10:00:30Z",
  pullStartedAt: null,
  stoppingAt: null,
  cpu: "512",
  memory: "1024",
  availabilityZone: "us-gov-east-1a",
  group: "service:coe-etl-prod-Service",
};
