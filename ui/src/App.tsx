import { useEffect } from "react";
import type { SessionInfo } from "./api";
import { Breadcrumbs } from "./components/Breadcrumbs";
import { ErrorPanel } from "./components/ErrorPanel";
import { Header, rememberRoute } from "./components/Header";
import { RetryNotice } from "./components/RetryNotice";
import { EmptyState, SkeletonRows } from "./components/Skeleton";
import { useSessions } from "./queries";
import { navigate, useRoute, type Route } from "./route";
import { Clusters } from "./views/Clusters";
import { Service } from "./views/Service";
import { Services } from "./views/Services";
import { SignIn } from "./views/SignIn";
import { SignInRequiredPrompt } from "./views/signin/SignInRequiredPrompt";
import { Task } from "./views/Task";
import { Fleet } from "./views/fleet/Fleet";
import { useFleetRoute } from "./views/fleet/nav";
import { Palette } from "./views/fleet/Palette";

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
