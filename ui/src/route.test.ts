import { describe, expect, it } from "vitest";
import { hashToRoute, routeToHash, type Route } from "./route";

describe("route", () => {
  it("round-trips every view, including names that need escaping", () => {
    const routes: Route[] = [
      { view: "signin" },
      { view: "clusters", sessionId: "s1" },
      { view: "services", sessionId: "s1", cluster: "coe ecs/prod" },
      { view: "service", sessionId: "s1", cluster: "c", service: "coe-etl-prod-Service" },
      { view: "task", sessionId: "s1", cluster: "c", service: "svc", taskId: "abc#1" },
    ];
    for (const r of routes) expect(hashToRoute(routeToHash(r))).toEqual(r);
  });

  it("treats unknown or empty hashes as the sign-in view", () => {
    expect(hashToRoute("")).toEqual({ view: "signin" });
    expect(hashToRoute("#/nowhere/at/all")).toEqual({ view: "signin" });
    expect(hashToRoute("#/s/")).toEqual({ view: "signin" });
  });
});
