import { useState } from "react";
import { ActionsPanel, type ActionStart } from "../actions/ActionsPanel";
import { controllerLabel, schedulingLabel } from "../actions/words";
import type { SessionInfo, TaskSummary } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { FilterInput } from "../components/FilterInput";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { StatusPill } from "../components/Status";
import { UpdatedAgo } from "../components/UpdatedAgo";
import { HistoryPanel } from "../fleet/HistoryPanel";
import { ServiceTools } from "../fleet/ServiceTools";
import { matchesFilter, shortTaskDefinition, taskIdOf } from "../format";
import { HealthBanner } from "../health/HealthBanner";
import { HealthTabs } from "../health/HealthTabs";
import { navigate } from "../route";
import { lastSelection, rememberSelection, useStickyState } from "../stickyState";
import { useServiceDetail, useStoppedTasks } from "./queries";
import { TaskTable } from "./TaskTable";

/** One service, top to bottom: header and health, summary, actions, health tabs (deployments, events, …), its tasks. */
export function Service({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const detail = useServiceDetail(session, cluster, service);
  const [showStopped, setShowStopped] = useState(false);
  const stopped = useStoppedTasks(session, cluster, service, showStopped);
  const listKey = `service:${session.id}:${session.region}:${cluster}:${service}`;
  const [taskFilter, setTaskFilter] = useStickyState(`filter:tasks:${listKey}`);
  const selectedTask = lastSelection(listKey);
  const [actionStart, setActionStart] = useState<ActionStart | null>(null);

  const openTask = (t: TaskSummary) => {
    const taskId = taskIdOf(t.id);
    rememberSelection(listKey, taskId);
    navigate({ view: "task", sessionId: session.id, cluster, service, taskId });
  };

  if (detail.isPending) {
    return (
      <main className="page" data-testid="service-view">
        <h1>{service}</h1>
        <SkeletonRows rows={6} label="Loading the service" />
      </main>
    );
  }
  if (detail.isError) {
    return (
      <main className="page" data-testid="service-view">
        <h1>{service}</h1>
        <ErrorPanel
          title={`Could not load ${service}`}
          error={detail.error}
          onRetry={() => void detail.refetch()}
          retrying={detail.isFetching}
        />
      </main>
    );
  }

  const d = detail.data;
  const s = d.summary;
  const running = d.tasks.filter((t) =>
    matchesFilter(taskFilter, t.id, t.lastStatus, t.healthStatus, t.privateIp, t.taskDefinition),
  );
  const stoppedRows = (stopped.data ?? []).filter((t) =>
    matchesFilter(taskFilter, t.id, t.stopCode, t.stoppedReason, t.privateIp, t.taskDefinition),
  );

  return (
    <main className="page" data-testid="service-view">
      <div className="title-row">
        <h1 data-testid="service-name">{s.name}</h1>
        <StatusPill value={s.status} testId="service-status" />
        <span className="toolbar-spacer" />
        <UpdatedAgo updatedAt={detail.dataUpdatedAt} fetching={detail.isFetching} />
        <button
          type="button"
          className="button"
          onClick={() => {
            void detail.refetch();
            if (showStopped) void stopped.refetch();
          }}
          disabled={detail.isFetching}
          data-testid="refresh-button"
        >
          Refresh
        </button>
      </div>

      <HealthBanner session={session} cluster={cluster} service={s.name} />
      <ServiceTools session={session} cluster={cluster} service={s.name} />

      <dl className="facts" data-testid="service-facts">
        <div>
          <dt>Running / desired</dt>
          <dd data-testid="service-counts" className={s.running < s.desired ? "warn-text" : undefined}>
            {s.running}/{s.desired}
            {s.pending > 0 && <span className="muted"> ({s.pending} pending)</span>}
          </dd>
        </div>
        <div>
          <dt>Task definition</dt>
          <dd data-testid="service-taskdef">
            {shortTaskDefinition(s.taskDefinition)} <span className="muted">(revision {s.taskDefinitionRevision})</span>
          </dd>
        </div>
        <div>
          <dt>Launch type</dt>
          <dd>{s.launchType ?? "—"}</dd>
        </div>
        <div>
          <dt>Scheduling</dt>
          <dd data-testid="service-scheduling">{schedulingLabel(d.kind)}</dd>
        </div>
        <div>
          <dt>Deployed by</dt>
          <dd data-testid="service-controller">{controllerLabel(d.kind, d.strategy.kind)}</dd>
        </div>
        {d.strategy.kind === "rolling" ? (
          <div>
            <dt>Healthy range during deployments</dt>
            <dd>
              {d.minimumHealthyPercent ?? "—"} % to {d.maximumPercent ?? "—"} %
            </dd>
          </div>
        ) : (
          <div>
            <dt>Bake time</dt>
            <dd data-testid="service-bake">{d.strategy.bakeMinutes} min with the old tasks ready</dd>
          </div>
        )}
        <div>
          <dt>Load balancing</dt>
          <dd data-testid="service-load-balancers">
            {d.loadBalancers.length === 0
              ? "None"
              : d.loadBalancers
                  .map((lb) => {
                    const target = lb.containerName === null ? "" : ` → ${lb.containerName}:${lb.containerPort ?? "?"}`;
                    const pair = lb.alternateTargetGroupName === null ? "" : ` ⇄ ${lb.alternateTargetGroupName}`;
                    return `${lb.targetGroupName ?? lb.loadBalancerName ?? "target group"}${pair}${target}`;
                  })
                  .join(", ")}
          </dd>
        </div>
      </dl>

      <ActionsPanel
        session={session}
        cluster={cluster}
        service={s.name}
        desired={s.desired}
        revision={s.taskDefinitionRevision}
        limits={d.limits}
        start={actionStart}
        onStart={setActionStart}
      />

      <HealthTabs session={session} cluster={cluster} service={s.name} onAction={setActionStart} />

      <section className="card" aria-labelledby="tasks-title">
        <h2 id="tasks-title">Tasks</h2>
        <div className="toolbar">
          <FilterInput value={taskFilter} onChange={setTaskFilter} label="Filter tasks" testId="tasks-filter" />
          <label className="toggle">
            <input
              type="checkbox"
              checked={showStopped}
              onChange={(e) => {
                setShowStopped(e.target.checked);
              }}
              data-testid="show-stopped"
            />
            Show stopped tasks
          </label>
        </div>
        <h3>Running</h3>
        {d.tasks.length === 0 ? (
          <EmptyState testId="empty-tasks" title="No task is running for this service." />
        ) : running.length === 0 ? (
          <EmptyState testId="no-match" title={`No running task matches “${taskFilter}”.`} />
        ) : (
          <TaskTable
            tasks={running}
            selected={selectedTask}
            onOpen={openTask}
            onStop={(t) => {
              setActionStart({ kind: "stopTask", task: taskIdOf(t.id) });
            }}
            testId="tasks-table"
          />
        )}
        {showStopped && (
          <>
            <h3>Stopped</h3>
            {stopped.isPending && <SkeletonRows rows={2} label="Loading stopped tasks" />}
            {stopped.isError && (
              <ErrorPanel
                title="Could not list the stopped tasks"
                error={stopped.error}
                onRetry={() => void stopped.refetch()}
                retrying={stopped.isFetching}
              />
            )}
            {stopped.isSuccess && stopped.data.length === 0 && (
              <EmptyState testId="empty-stopped" title="No recently stopped tasks.">
                <p>ECS keeps stopped tasks for about an hour.</p>
              </EmptyState>
            )}
            {stoppedRows.length > 0 && (
              <TaskTable tasks={stoppedRows} selected={selectedTask} onOpen={openTask} testId="stopped-tasks-table" stopped />
            )}
          </>
        )}
      </section>

      <HistoryPanel session={session} cluster={cluster} service={s.name} />
    </main>
  );
}
