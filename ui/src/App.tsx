import { useEffect } from "react";
import type { SessionInfo } from "./api";
import { Breadcrumbs } from "./browse/Breadcrumbs";
import { ErrorPanel } from "./components/ErrorPanel";
import { Header, rememberRoute } from "./browse/Header";
import { RetryNotice } from "./components/RetryNotice";
import { EmptyState, SkeletonRows } from "./components/Skeleton";
import { useSessions } from "./signin/queries";
import { navigate, useRoute, type Route } from "./route";
import { Clusters } from "./browse/Clusters";
import { Service } from "./browse/Service";
import { Services } from "./browse/Services";
import { SignIn } from "./signin/SignIn";
import { SignInRequiredPrompt } from "./signin/SignInRequiredPrompt";
import { Task } from "./browse/Task";
import { Fleet } from "./fleet/Fleet";
import { useFleetRoute } from "./fleet/fleetRoute";
import { Palette } from "./fleet/Palette";
import { ZoomKeys } from "./zoom/ZoomKeys";

/** The whole window: app bar, breadcrumbs and the current view. */
export function App() {
  const route = useRoute();
  const fleet = useFleetRoute();
  useEffect(() => {
    rememberRoute(route);
  }, [route]);
  return (
    <div className="app">
      <Header route={route} />
      <RetryNotice />
      {fleet ? <Fleet /> : route.view === "signin" ? <SignIn /> : <SessionView route={route} sessionId={route.sessionId} />}
      <SignInRequiredPrompt />
      <Palette />
      <ZoomKeys />
    </div>
  );
}

function SessionView({ route, sessionId }: { route: Route; sessionId: string }) {
  const sessions = useSessions();
  if (sessions.isPending) return <SkeletonRows label="Loading sessions" />;
  if (sessions.isError) {
    return (
      <main className="page">
        <ErrorPanel
          title="Could not list the open sessions"
          error={sessions.error}
          onRetry={() => void sessions.refetch()}
          retrying={sessions.isFetching}
        />
      </main>
    );
  }
  const session = sessions.data.find((s) => s.id === sessionId);
  if (session === undefined) {
    return (
      <main className="page">
        <EmptyState testId="session-closed" title="This session is no longer open.">
          <button
            type="button"
            className="button primary"
            onClick={() => {
              navigate({ view: "signin" });
            }}
          >
            Open a session
          </button>
        </EmptyState>
      </main>
    );
  }
  return (
    <>
      <Breadcrumbs route={route} session={session} />
      <CurrentView route={route} session={session} />
    </>
  );
}

function CurrentView({ route, session }: { route: Route; session: SessionInfo }) {
  // Keyed by session and region so views start fresh (filters aside) when either changes.
  const key = `${session.id}:${session.region}`;
  switch (route.view) {
    case "signin":
      return null;
    case "clusters":
      return <Clusters key={key} session={session} />;
    case "services":
      return <Services key={key} session={session} cluster={route.cluster} />;
    case "service":
      return <Service key={key} session={session} cluster={route.cluster} service={route.service} />;
    case "task":
      return <Task key={key} session={session} cluster={route.cluster} taskId={route.taskId} />;
  }
}
