// Test-only: a plan as the core sends it, shared by the action dialog's tests.
import type { ActionPlan } from "../api";
import { govSession } from "./fixtures";

const cluster = "coe-ecs-prod";
const service = "coe-etl-prod-Service";

/** The plan of a restart of coe-etl-prod-Service (GovCloud, prod: the name is typed). */
export const restartPlan: ActionPlan = {
  planId: "p1",
  createdAt: "2024-05-01T10:00:00Z",
  expiresAt: "2024-05-01T10:05:00Z",
  sessionId: govSession.id,
  partition: "aws-us-gov",
  partitionLabel: "GovCloud (US)",
  accountId: "210987654321",
  accountName: "tak-govcloud-prod",
  user: "operator",
  role: null,
  region: "us-gov-east-1",
  cluster,
  service,
  action: { kind: "forceNewDeployment" },
  title: "Restart coe-etl-prod-Service (force new deployment)",
  steps: [
    "ECS starts a new deployment of coe-etl-prod:3 (same version, fresh tasks).",
    "ECS starts 1 new task beside the 1 old task running now.",
  ],
  risk: "safe",
  riskSentence: "No downtime expected: the old task keeps serving until its replacement is healthy.",
  downtimeExpected: false,
  notes: [],
  alternative: null,
  protection: { level: "typedConfirm", source: "default", reason: "The cluster name contains “prod”." },
  confirmation: "typedName",
  blockedReason: null,
  desired: 1,
  running: 1,
  taskDefinition: "coe-etl-prod:3",
  summary: "Restart",
};
