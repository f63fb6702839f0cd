import { useState } from "react";
import type { ActionStart } from "../actions/ActionsPanel";
import type { SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { StatusPill } from "../components/Status";
import { formatTime } from "../format";
import { History } from "./DeploymentHistory";
import { useDeployments, useDiff } from "./queries";

const FIELD_WORDS: Record<string, string> = {
  image: "Image",
  cpu: "CPU units",
  memory: "Memory (MiB)",
  cpuArchitecture: "CPU architecture",
  environment: "Environment variable",
  secrets: "Secret",
  container: "Container",
};

/** What changed between two revisions (environment names only, never values). */
function Diff({ session, from, to }: { session: SessionInfo; from: string; to: string }) {
  const diff = useDiff(session, from, to);
  if (diff.isPending) return <SkeletonRows rows={2} label="Comparing revisions" />;
  if (diff.isError) return <ErrorPanel title="Could not compare the revisions" error={diff.error} onRetry={() => void diff.refetch()} retrying={diff.isFetching} />;
  const d = diff.data;
  return (
    <div data-testid="revision-diff">
      <h3>
        What changed from {d.from} to {d.to}
      </h3>
      {d.changes.length === 0 ? (
        <p className="muted">No change in image, CPU, memory or environment names.</p>
      ) : (
        <table className="table" data-testid="diff-table">
          <thead>
            <tr>
              <th>Container</th>
              <th>What</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {d.changes.map((c) => (
              <tr key={`${c.container ?? ""}:${c.field}:${c.before ?? ""}:${c.after ?? ""}`} data-testid="diff-row" data-field={c.field}>
                <td>{c.container ?? "task"}</td>
                <td>{FIELD_WORDS[c.field] ?? c.field}</td>
                <td className="mono diff-before">{c.before ?? (c.field === "environment" || c.field === "secrets" ? "(not set)" : "—")}</td>
                <td className="mono diff-after">{c.after ?? (c.field === "environment" || c.field === "secrets" ? "(removed)" : "—")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The Deployments tab: ECS's history and the deployment in progress, what ECS runs now, and the revision diff. */
export function DeploymentsTab({
  session,
  cluster,
  service,
  onAction,
}: {
  session: SessionInfo;
  cluster: string;
  service: string;
  /** Opens the action dialog (continue or roll back the deployment in progress). */
  onAction?: (start: ActionStart) => void;
}) {
  const deps = useDeployments(session, cluster, service);
  const [compare, setCompare] = useState<{ from: string; to: string } | null>(null);
  if (deps.isPending) return <SkeletonRows rows={3} label="Loading deployments" />;
  if (deps.isError) return <ErrorPanel title="Could not load the deployments" error={deps.error} onRetry={() => void deps.refetch()} retrying={deps.isFetching} />;
  const d = deps.data;
  const pair = compare ?? (d.previousTaskDefinition === null ? null : { from: d.previousTaskDefinition, to: d.taskDefinition });
  return (
    <div data-testid="deployments-tab">
      <History history={d.history} onAction={onAction} />
      <h3>What ECS runs now</h3>
      <p className="muted" data-testid="circuit-breaker">
        {d.circuitBreaker === null || !d.circuitBreaker.enabled
          ? "Deployment circuit breaker: off — a failing deployment keeps retrying until someone stops it."
          : d.circuitBreaker.rollback
            ? "Deployment circuit breaker: on, with automatic rollback to the last working version."
            : "Deployment circuit breaker: on (stops a failing deployment, no automatic rollback)."}
      </p>
      {d.deployments.length === 0 ? (
        <EmptyState testId="empty-health-deployments" title="No deployments recorded." />
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="health-deployments-table">
            <thead>
              <tr>
                <th>Deployment</th>
                <th>Rollout</th>
                <th>Revision</th>
                <th className="num">Running / desired</th>
                <th className="num">Pending</th>
                <th className="num">Failed</th>
                <th>Created</th>
                <th>Updated</th>
                <th>Compare</th>
              </tr>
            </thead>
            <tbody>
              {d.deployments.map((dep) => (
                <tr key={dep.id} data-testid="health-deployment-row" className={dep.circuitBreakerTripped ? "bad-row" : undefined}>
                  <td>
                    <StatusPill value={dep.status} />
                  </td>
                  <td>
                    <StatusPill value={dep.rolloutState} />
                    {dep.rolloutStateReason !== null && <div className="cell-note">{dep.rolloutStateReason}</div>}
                  </td>
                  <td>{dep.taskDefinition}</td>
                  <td className="num">
                    {dep.running}/{dep.desired}
                  </td>
                  <td className="num">{dep.pending}</td>
                  <td className={`num${dep.failedTasks > 0 ? " bad-text" : ""}`}>{dep.failedTasks}</td>
                  <td>{formatTime(dep.createdAt)}</td>
                  <td>{formatTime(dep.updatedAt)}</td>
                  <td>
                    {dep.taskDefinition !== d.taskDefinition && (
                      <button
                        type="button"
                        className="link"
                        onClick={() => {
                          setCompare({ from: dep.taskDefinition, to: d.taskDefinition });
                        }}
                        data-testid="compare-deployment"
                      >
                        Compare with current
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pair !== null && <Diff session={session} from={pair.from} to={pair.to} />}
    </div>
  );
}
