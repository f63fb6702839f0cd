import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";
import type { HealthLevel, ServiceSummary, SessionInfo } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { ListToolbar } from "../components/ListToolbar";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { StatusPill } from "../components/Status";
import { ageOf, matchesFilter, shortTaskDefinition } from "../format";
import { useNow } from "../clock";
import { lastSelection, rememberSelection, useStickyState } from "../stickyState";
import { useServices } from "./queries";
import { navigate } from "../route";
import { HealthDot } from "../health/HealthDot";
import { useServicesHealth } from "../health/queries";

/** Lists longer than this render only the rows near the viewport, between two spacer rows. */
const WINDOW_FROM = 200;
/** Rows rendered beyond each edge of the viewport when the window is moved. Each move mounts about
 * OVERSCAN - MARGIN new rows: at 80 (60 rows a move) a move took longer than a frame and 13 of
 * 240 frames of a fast scroll were dropped; at 30, none (BENCHMARKS.md). */
const OVERSCAN = 30;
/** The window moves only when fewer rows than this are left beyond an edge of the viewport, so
 * scrolling re-renders every few rows instead of every frame; 10 rows (about 360 px) stay ahead of
 * a scroll of 9,000 px a second, so no blank gap shows. */
const MARGIN = 10;

/**
 * The [start, end) rows of a `count`-row table body worth rendering: all of a short list, the
 * ones near the viewport of a long one (1,000 services scroll without dropped frames and refresh
 * cheaply). Recomputed at most once per animation frame while the window scrolls.
 */
function useRowWindow(count: number, body: RefObject<HTMLTableSectionElement | null>, rowPx: number): [number, number] {
  const windowed = count > WINDOW_FROM;
  const [range, setRange] = useState<[number, number]>([0, Math.min(count, OVERSCAN)]);
  useEffect(() => {
    if (!windowed) return;
    let frame = 0;
    const update = () => {
      frame = 0;
      const top = body.current?.getBoundingClientRect().top ?? 0;
      const shownFirst = Math.max(0, Math.floor(-top / rowPx));
      const shownLast = Math.min(count, Math.max(shownFirst, Math.ceil((window.innerHeight - top) / rowPx)));
      setRange((r) => {
        const covered =
          r[0] <= Math.max(0, shownFirst - MARGIN) && r[1] >= Math.min(count, shownLast + MARGIN);
        return covered ? r : [Math.max(0, shownFirst - OVERSCAN), Math.min(count, shownLast + OVERSCAN)];
      });
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(update);
    };
    update();
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
    return () => {
      window.removeEventListener("scroll", schedule);
      window.removeEventListener("resize", schedule);
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [windowed, count, body, rowPx]);
  return windowed ? [Math.min(range[0], count), Math.min(range[1], count)] : [0, count];
}

/** The services of one cluster. */
export function Services({ session, cluster }: { session: SessionInfo; cluster: string }) {
  const services = useServices(session, cluster);
  // The list roll-up (counts, deployments, stopped tasks, CPU and memory): a dot per row, the sentence on hover.
  const health = useServicesHealth(session, cluster);
  const healthOf = new Map((health.data ?? []).map((h) => [h.service, h]));
  const now = useNow(15_000);
  const listKey = `services:${session.id}:${session.region}:${cluster}`;
  const [filter, setFilter] = useStickyState(`filter:${listKey}`);
  const selected = lastSelection(listKey);
  const rows = (services.data ?? []).filter((s) =>
    matchesFilter(filter, s.name, s.status, s.taskDefinition, s.launchType, s.lastDeployment?.rolloutState),
  );
  const body = useRef<HTMLTableSectionElement>(null);
  // Stable across renders, so the memoised rows that did not change are not rendered again when
  // the window of a long list moves.
  const openService = useCallback(
    (name: string) => {
      rememberSelection(listKey, name);
      navigate({ view: "service", sessionId: session.id, cluster, service: name });
    },
    [listKey, session.id, cluster],
  );
  const [rowPx, setRowPx] = useState(41);
  const [start, end] = useRowWindow(rows.length, body, rowPx);
  // Spacers stand in for the rows not rendered, so they take the height of a real row.
  useLayoutEffect(() => {
    const height = body.current?.querySelector<HTMLTableRowElement>("tr[data-testid]")?.offsetHeight ?? 0;
    if (height > 0 && Math.abs(height - rowPx) > 0.5) setRowPx(height);
  }, [rowPx, start, end, rows.length]);

  return (
    <main className="page" data-testid="services-view">
      <h1>
        Services <span className="h-sub">of {cluster}</span>
      </h1>
      <ListToolbar
        filter={filter}
        onFilter={setFilter}
        filterLabel="Filter services"
        updatedAt={services.dataUpdatedAt}
        fetching={services.isFetching}
        onRefresh={() => void services.refetch()}
      />
      {services.isError && (
        <ErrorPanel
          title={`Could not list the services of ${cluster}`}
          error={services.error}
          onRetry={() => void services.refetch()}
          retrying={services.isFetching}
        />
      )}
      {services.isPending && <SkeletonRows label="Loading services" />}
      {services.isSuccess && services.data.length === 0 && (
        <EmptyState testId="empty-services" title="This cluster has no services.">
          <p>Services started outside a service (standalone tasks) are not listed here.</p>
        </EmptyState>
      )}
      {services.isSuccess && services.data.length > 0 && rows.length === 0 && (
        <EmptyState testId="no-match" title={`No service matches “${filter}”.`} />
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table table-fixed" data-testid="services-table">
            <colgroup>
              <col style={{ width: "24%" }} />
              <col style={{ width: "9%" }} />
              <col style={{ width: "13%" }} />
              <col style={{ width: "7%" }} />
              <col style={{ width: "20%" }} />
              <col style={{ width: "17%" }} />
              <col style={{ width: "10%" }} />
            </colgroup>
            <thead>
              <tr>
                <th>Service</th>
                <th>Status</th>
                <th className="num">Running / desired</th>
                <th className="num">Pending</th>
                <th>Task definition</th>
                <th>Last deployment</th>
                <th>Launch type</th>
              </tr>
            </thead>
            <tbody ref={body}>
              {start > 0 && <tr aria-hidden="true" className="spacer" style={{ height: start * rowPx }} />}
              {rows.slice(start, end).map((s) => (
                <ServiceRow
                  key={s.arn}
                  service={s}
                  level={healthOf.get(s.name)?.level ?? null}
                  summary={healthOf.get(s.name)?.summary}
                  selected={selected === s.name}
                  age={ageOf(s.lastDeployment?.updatedAt, now)}
                  onOpen={openService}
                />
              ))}
              {end < rows.length && (
                <tr aria-hidden="true" className="spacer" style={{ height: (rows.length - end) * rowPx }} />
              )}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

/** One row of the services table; memoised, as a long list renders a few hundred of them. */
const ServiceRow = memo(function ServiceRow({
  service: s,
  level,
  summary,
  selected,
  age,
  onOpen,
}: {
  service: ServiceSummary;
  level: HealthLevel | null;
  summary: string | undefined;
  selected: boolean;
  age: string | null;
  onOpen: (name: string) => void;
}) {
  const short = s.running < s.desired;
  const taskDefinition = `${shortTaskDefinition(s.taskDefinition)} (revision ${s.taskDefinitionRevision})`;
  return (
    <tr className={selected ? "selected" : undefined} aria-selected={selected} data-testid={`service-row-${s.name}`}>
      <td title={s.name}>
        <HealthDot level={level} summary={summary} testId={`service-health-${s.name}`} />{" "}
        <button type="button" className="link" onClick={() => {
            onOpen(s.name);
          }} data-testid={`service-link-${s.name}`}>
          {s.name}
        </button>
      </td>
      <td>
        <StatusPill value={s.status} />
      </td>
      <td className={`num${short ? " warn-text" : ""}`} data-testid={`service-running-${s.name}`}>
        {s.running}/{s.desired}
      </td>
      <td className="num">{s.pending}</td>
      <td data-testid={`service-taskdef-${s.name}`} title={taskDefinition}>
        {shortTaskDefinition(s.taskDefinition)}
        <span className="muted"> (revision {s.taskDefinitionRevision})</span>
      </td>
      <td data-testid={`service-deployment-${s.name}`}>
        {s.lastDeployment === null ? (
          <span className="muted">—</span>
        ) : (
          <>
            <StatusPill value={s.lastDeployment.rolloutState ?? s.lastDeployment.status} />
            {age !== null && <span className="muted"> {age}</span>}
          </>
        )}
      </td>
      <td>{s.launchType ?? "—"}</td>
    </tr>
  );
});
