import { useMutation, useQueryClient } from "@tanstack/react-query";
import { closeSession, type SessionInfo } from "../api";
import { queryKeys } from "../query/keys";
import { useSessions } from "../signin/queries";
import { navigate, routeSession, type Route } from "../route";
import { SessionExpiry } from "../signin/SessionExpiry";
import { openFleet, useFleetRoute } from "../fleet/fleetRoute";
import { ErrorPanel } from "../components/ErrorPanel";
import { PartitionBadge } from "../components/PartitionBadge";
import { RegionSwitcher } from "./RegionSwitcher";

// Where each session was last, so switching back is one click to the same place.
const lastRoute = new Map<string, Route>();

/** Records the route of the active session. */
export function rememberRoute(route: Route): void {
  const id = routeSession(route);
  if (id !== null) lastRoute.set(id, route);
}

/** Switches to a session, back to where the user was in it. */
export function switchTo(session: SessionInfo): void {
  navigate(lastRoute.get(session.id) ?? { view: "clusters", sessionId: session.id });
}

/** The app bar: open sessions as tabs (one click to switch), a new-session button, the region. */
export function Header({ route }: { route: Route }) {
  const sessions = useSessions();
  const client = useQueryClient();
  const fleet = useFleetRoute();
  const activeId = fleet ? null : routeSession(route);
  const active = sessions.data?.find((s) => s.id === activeId);
  const close = useMutation({
    mutationFn: (id: string) => closeSession(id),
    onSuccess: async (_, id) => {
      lastRoute.delete(id);
      await client.invalidateQueries({ queryKey: queryKeys.sessions() });
      if (id === activeId) {
        const next = client.getQueryData<SessionInfo[]>(queryKeys.sessions())?.find((s) => s.id !== id);
        if (next === undefined) navigate({ view: "signin" });
        else switchTo(next);
      }
    },
  });
  const gov = active?.partition === "aws-us-gov";
  return (
    <header className={gov ? "appbar appbar-gov" : "appbar"} data-testid="appbar" data-partition={active?.partition ?? ""}>
      <div className="brand">ECS Desk</div>
      <button
        type="button"
        className={`button fleet-link${fleet ? " active" : ""}`}
        onClick={openFleet}
        aria-current={fleet ? "page" : undefined}
        title="Pinned services of every account (Ctrl+K finds any service)"
        data-testid="fleet-link"
      >
        Fleet
      </button>
      <nav className="session-tabs" aria-label="Open sessions">
        {sessions.data?.map((s) => (
          <div
            key={s.id}
            className={`session-tab${s.id === activeId ? " active" : ""}${s.partition === "aws-us-gov" ? " gov" : ""}`}
          >
            <button
              type="button"
              className="session-switch"
              onClick={() => {
                switchTo(s);
              }}
              data-testid="session-tab"
              data-profile={s.profile}
              data-session-id={s.id}
              data-active={s.id === activeId ? "true" : "false"}
              title={`${s.profile}: account ${s.accountId}, ${s.region}`}
            >
              <PartitionBadge partition={s.partition} testId="session-tab-badge" />
              <span className="session-name">{s.accountName ?? s.accountId}</span>
              {s.roleName !== undefined && <span className="session-role">{s.roleName}</span>}
              <span className="session-region">{s.region}</span>
            </button>
            <SessionExpiry session={s} activeId={activeId} />
            <button
              type="button"
              className="session-close"
              aria-label={`Close session ${s.profile}`}
              title="Close this session"
              onClick={() => {
                close.mutate(s.id);
              }}
              data-testid="session-close"
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          className={`button new-session${route.view === "signin" && !fleet ? " active" : ""}`}
          onClick={() => {
            navigate({ view: "signin" });
          }}
          data-testid="new-session"
        >
          + Session
        </button>
      </nav>
      <div className="appbar-right">
        {active !== undefined && <RegionSwitcher session={active} testId="header-region" compact />}
      </div>
      {close.isError && (
        <div className="appbar-error">
          <ErrorPanel title="Could not close the session" error={close.error} />
        </div>
      )}
    </header>
  );
}
