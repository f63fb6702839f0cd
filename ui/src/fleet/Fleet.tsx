import "./fleet.css";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { unpinService, type FleetRow, type Sparkline } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { PartitionBadge } from "../components/PartitionBadge";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { queryKeys } from "../query/keys";
import { navigate } from "../route";
import { HealthDot, LEVEL_WORDS } from "../health/HealthDot";
import { jumpToService } from "./jump";
import { onListKeyDown } from "./rowKeys";
import { useFleetView } from "./queries";
import { SPARK_HEIGHT, SPARK_WIDTH, sparkLabel, sparkPoints } from "./spark";

/** Pinned services of every session on one page, worst health first. */
export function Fleet() {
  const client = useQueryClient();
  const view = useFleetView();
  const unpin = useMutation({
    mutationFn: unpinService,
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.fleet.view() });
      await client.invalidateQueries({ queryKey: queryKeys.fleet.pins() });
    },
  });
  const open = (row: FleetRow) => {
    if (row.sessionId === null || row.sessionState !== "signedIn") {
      navigate({ view: "signin" });
      return;
    }
    void jumpToService(client, row.sessionId, row.pin.region, row.pin.cluster, row.pin.service);
  };
  return (
    <main className="page" data-testid="fleet-view">
      <div className="title-row">
        <h1>Fleet</h1>
        <span className="toolbar-spacer" />
        <button type="button" className="button" onClick={() => void view.refetch()} disabled={view.isFetching} data-testid="fleet-refresh">
          {view.isFetching ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      <p className="muted">
        Services you pinned, from every account and partition. Press <kbd>Ctrl</kbd>+<kbd>K</kbd> to find any service.
      </p>
      {view.isPending && <SkeletonRows rows={4} label="Loading the fleet" />}
      {view.isError && (
        <ErrorPanel title="Could not load the fleet" error={view.error} onRetry={() => void view.refetch()} retrying={view.isFetching} />
      )}
      {view.data !== undefined && view.data.rows.length === 0 && (
        <EmptyState testId="fleet-empty" title="No pinned services yet.">
          <p>Open a service and press ☆ Pin to fleet to watch it here.</p>
        </EmptyState>
      )}
      {view.data !== undefined && view.data.rows.length > 0 && (
        <>
          <div className="fleet-counts" data-testid="fleet-counts">
            <span className="fleet-count red">{view.data.red} broken</span>
            <span className="fleet-count amber">{view.data.amber} need attention</span>
            <span className="fleet-count green">{view.data.green} healthy</span>
            {view.data.unknown > 0 && <span className="fleet-count unknown">{view.data.unknown} not readable</span>}
          </div>
          <div className="table-wrap">
            <table className="table" data-testid="fleet-table" onKeyDown={onListKeyDown}>
              <thead>
                <tr>
                  <th>Health</th>
                  <th>Service</th>
                  <th>Account</th>
                  <th className="num">Running / desired</th>
                  <th>CPU (3 h)</th>
                  <th>Memory (3 h)</th>
                  <th>Session</th>
                  <th>
                    <span className="visually-hidden">Unpin</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.data.rows.map((row) => (
                  <tr
                    key={row.key}
                    className="fleet-row"
                    tabIndex={0}
                    data-nav-row
                    data-testid="fleet-row"
                    data-service={row.pin.service}
                    data-partition={row.pin.partition}
                    data-level={row.health?.level ?? "unknown"}
                    data-session-state={row.sessionState}
                    onClick={() => {
                      open(row);
                    }}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") open(row);
                    }}
                    aria-label={`${row.pin.service}: ${row.health === null ? "not readable" : LEVEL_WORDS[row.health.level]}`}
                  >
                    <td>
                      <HealthDot level={row.health?.level ?? null} summary={row.health?.summary ?? row.error?.message} testId="fleet-health" />{" "}
                      {row.health === null ? <span className="muted">—</span> : LEVEL_WORDS[row.health.level]}
                    </td>
                    <td className="service-cell">
                      {row.pin.service}
                      <div className="sub">
                        {row.pin.cluster} · {row.health?.summary ?? row.error?.message ?? ""}
                      </div>
                    </td>
                    <td>
                      <PartitionBadge partition={row.pin.partition} testId="fleet-partition" />{" "}
                      {row.pin.accountName ?? row.pin.accountId}
                      <div className="sub">{row.pin.region}</div>
                    </td>
                    <td className={`num${row.running !== null && row.desired !== null && row.running < row.desired ? " warn-text" : ""}`}>
                      {row.running ?? "—"}/{row.desired ?? "—"}
                    </td>
                    <td>
                      <Spark spark={row.cpu} limit={70} label="CPU" />
                    </td>
                    <td>
                      <Spark spark={row.memory} limit={80} label="Memory" />
                    </td>
                    <td>
                      <SessionCell row={row} />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button fleet-unpin"
                        aria-label={`Unpin ${row.pin.service}`}
                        title="Remove from the fleet"
                        onClick={(e) => {
                          e.stopPropagation();
                          unpin.mutate(row.key);
                        }}
                        data-testid="fleet-unpin"
                      >
                        ★ Unpin
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </main>
  );
}

function SessionCell({ row }: { row: FleetRow }) {
  if (row.sessionState === "signedIn") {
    return (
      <span className="session-state signedIn" data-testid="fleet-session">
        Signed in
      </span>
    );
  }
  return (
    <span className={`session-state ${row.sessionState}`} data-testid="fleet-session">
      {row.sessionState === "expired" ? "Sign-in ended" : "Signed out"}{" "}
      <button
        type="button"
        className="button primary"
        onClick={(e) => {
          e.stopPropagation();
          navigate({ view: "signin" });
        }}
        title={`Sign in as ${row.pin.signedInAs}`}
        data-testid="fleet-signin"
      >
        Sign in
      </button>
    </span>
  );
}

function Spark({ spark, limit, label }: { spark: Sparkline | null; limit: number; label: string }) {
  if (spark === null) return <span className="muted">—</span>;
  const hot = spark.latest !== null && spark.latest >= limit;
  const line = sparkPoints(spark.points);
  const base = SPARK_HEIGHT - 1;
  return (
    <span className={`spark${hot ? " hot" : ""}`} title={`${label} over the last 3 hours, highest ${spark.max?.toFixed(0) ?? "—"} %`}>
      {/* Drawn here from numbers; currentColor follows the theme and the hot colour. */}
      <svg
        width={SPARK_WIDTH}
        height={SPARK_HEIGHT}
        viewBox={`0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`}
        role="img"
        aria-label={sparkLabel(label, spark.latest, spark.max)}
        data-testid="fleet-spark"
      >
        <line x1={0} y1={base} x2={SPARK_WIDTH} y2={base} stroke="currentColor" strokeOpacity={0.2} />
        {line !== "" && <polyline fill="none" stroke="currentColor" strokeWidth={1.5} points={line} />}
      </svg>
      <span aria-hidden="true">{spark.latest === null ? "—" : `${spark.latest.toFixed(0)} %`}</span>
    </span>
  );
}
