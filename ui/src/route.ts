// A tiny hash router: the route is the whole navigation state, so a reload or a session switch
// lands the user exactly where they were.
import { useEffect, useState } from "react";

/** Where the user is. */
export type Route =
  | { view: "signin" }
  | { view: "clusters"; sessionId: string }
  | { view: "services"; sessionId: string; cluster: string }
  | { view: "service"; sessionId: string; cluster: string; service: string }
  | { view: "task"; sessionId: string; cluster: string; service: string; taskId: string };

const enc = encodeURIComponent;

function dec(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The hash for a route, e.g. `#/s/abc/c/coe-ecs-prod`. */
export function routeToHash(route: Route): string {
  switch (route.view) {
    case "signin":
      return "#/signin";
    case "clusters":
      return `#/s/${enc(route.sessionId)}`;
    case "services":
      return `#/s/${enc(route.sessionId)}/c/${enc(route.cluster)}`;
    case "service":
      return `#/s/${enc(route.sessionId)}/c/${enc(route.cluster)}/s/${enc(route.service)}`;
    case "task":
      return `#/s/${enc(route.sessionId)}/c/${enc(route.cluster)}/s/${enc(route.service)}/t/${enc(route.taskId)}`;
  }
}

/** Parses a hash; anything unknown is the sign-in view. */
export function hashToRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter((p) => p !== "").map(dec);
  const [s, sessionId, c, cluster, sv, service, t, taskId] = parts;
  if (s !== "s" || sessionId === undefined) return { view: "signin" };
  if (c !== "c" || cluster === undefined) return { view: "clusters", sessionId };
  if (sv !== "s" || service === undefined) return { view: "services", sessionId, cluster };
  if (t !== "t" || taskId === undefined) return { view: "service", sessionId, cluster, service };
  return { view: "task", sessionId, cluster, service, taskId };
}

/** Goes to a route (adds a history entry). */
export function navigate(route: Route): void {
  window.location.hash = routeToHash(route);
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => hashToRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(hashToRoute(window.location.hash));
    };
    window.addEventListener("hashchange", onChange);
    return () => {
      window.removeEventListener("hashchange", onChange);
    };
  }, []);
  return route;
}

/** The session a route belongs to, if any. */
export function routeSession(route: Route): string | null {
  return route.view === "signin" ? null : route.sessionId;
}
