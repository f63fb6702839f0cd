import type { ActionStart } from "../actions/ActionsPanel";
import type { SessionInfo } from "../api";
import { useStickyState } from "../stickyState";
import { AlarmsTab } from "./AlarmsTab";
import { ChangesTab } from "./ChangesTab";
import { DeploymentsTab } from "./DeploymentsTab";
import { EventsTab } from "./EventsTab";
import { InsightsTab } from "./InsightsTab";
import { LogsTab } from "./LogsTab";
import { MetricsTab } from "./MetricsTab";
import { ScalingTab } from "./ScalingTab";
import { StoppedTab } from "./StoppedTab";
import { TargetsTab } from "./TargetsTab";

const TABS = [
  { id: "metrics", label: "Metrics", View: MetricsTab },
  { id: "deployments", label: "Deployments", View: DeploymentsTab },
  { id: "events", label: "Events", View: EventsTab },
  { id: "targets", label: "Targets", View: TargetsTab },
  { id: "alarms", label: "Alarms", View: AlarmsTab },
  { id: "scaling", label: "Auto scaling", View: ScalingTab },
  { id: "changes", label: "Changes", View: ChangesTab },
  { id: "stopped", label: "Stopped tasks", View: StoppedTab },
  { id: "logs", label: "Logs", View: LogsTab },
  { id: "insights", label: "Logs Insights", View: InsightsTab },
] as const;

/** Where an arrow, Home or End key moves from tab `index` of `count` (wrapping), or null. */
export function tabKeyTarget(key: string, index: number, count: number): number | null {
  if (key === "ArrowRight") return (index + 1) % count;
  if (key === "ArrowLeft") return (index - 1 + count) % count;
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  return null;
}

/** The service page's health tabs; only the open tab loads its data. */
export function HealthTabs({
  session,
  cluster,
  service,
  onAction,
}: {
  session: SessionInfo;
  cluster: string;
  service: string;
  /** Opens the action dialog from a tab (the Deployments tab's Continue and Roll back). */
  onAction?: (start: ActionStart) => void;
}) {
  const [tab, setTab] = useStickyState("health-tab", "metrics");
  const current = TABS.find((t) => t.id === tab) ?? TABS[0];
  const View = current.View;
  return (
    <section className="card health-tabs" data-testid="health-tabs">
      <div
        className="tabs"
        role="tablist"
        aria-label="Service health"
        onKeyDown={(e) => {
          // Tabs per the WAI-ARIA pattern: one Tab stop, arrows move and open (automatic activation).
          const next = tabKeyTarget(e.key, TABS.indexOf(current), TABS.length);
          const target = next === null ? undefined : TABS[next];
          if (target === undefined) return;
          e.preventDefault();
          setTab(target.id);
          document.getElementById(`health-tab-${target.id}`)?.focus();
        }}
      >
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`health-tab-${t.id}`}
            aria-selected={t.id === current.id}
            aria-controls="health-panel"
            tabIndex={t.id === current.id ? 0 : -1}
            className={`tab${t.id === current.id ? " active" : ""}`}
            onClick={() => {
              setTab(t.id);
            }}
            data-testid={`health-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {/* Focusable so that a panel with nothing to press (events, alarms) is reached and scrolled by keyboard. */}
      <div
        id="health-panel"
        role="tabpanel"
        tabIndex={0}
        aria-labelledby={`health-tab-${current.id}`}
        data-testid={`health-panel-${current.id}`}
      >
        {current.id === "deployments" ? (
          <DeploymentsTab key={`${session.id}:${cluster}:${service}`} session={session} cluster={cluster} service={service} onAction={onAction} />
        ) : (
          <View key={`${session.id}:${cluster}:${service}`} session={session} cluster={cluster} service={service} />
        )}
      </div>
    </section>
  );
}
