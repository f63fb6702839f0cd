import { describe, expect, it } from "vitest";
import type { AuditFilter, MetricRange, SessionInfo } from "../api";
import { comSession, govSession } from "../test/fixtures";
import { queryKeys, ssoSessionOfKey } from "./keys";

const s = govSession;

describe("query keys", () => {
  // The values are the ones the app used before the factory, so cached data and invalidations
  // behave as before; a change here changes what is cached together and what refreshes what.
  it("keep their values", () => {
    expect(queryKeys.profiles()).toEqual(["profiles"]);
    expect(queryKeys.partitions()).toEqual(["partitions"]);
    expect(queryKeys.sessions()).toEqual(["sessions"]);
    expect(queryKeys.sso.sessions()).toEqual(["sso-sessions"]);
    expect(queryKeys.sso.accounts("portal")).toEqual(["sso-accounts", "portal"]);
    expect(queryKeys.sso.allRoles("portal")).toEqual(["sso-roles", "portal"]);
    expect(queryKeys.sso.roles("portal", "1234")).toEqual(["sso-roles", "portal", "1234"]);

    expect(queryKeys.browse.clusters(s)).toEqual(["s", "s-gov", "us-gov-east-1", "clusters"]);
    expect(queryKeys.browse.services(s, "c")).toEqual(["s", "s-gov", "us-gov-east-1", "services", "c"]);
    expect(queryKeys.browse.service(s, "c", "v")).toEqual(["s", "s-gov", "us-gov-east-1", "service", "c", "v"]);
    expect(queryKeys.browse.stoppedTasks(s, "c", "v")).toEqual(["s", "s-gov", "us-gov-east-1", "tasks", "c", "v", "STOPPED"]);
    expect(queryKeys.browse.task(s, "c", "t")).toEqual(["s", "s-gov", "us-gov-east-1", "task", "c", "t"]);

    const h = ["s", "s-gov", "us-gov-east-1", "health"];
    const range: MetricRange = { preset: "1h", start: null, end: null };
    expect(queryKeys.health.all(s)).toEqual(h);
    expect(queryKeys.health.list(s, "c")).toEqual([...h, "list", "c"]);
    expect(queryKeys.health.service(s, "c", "v")).toEqual([...h, "service", "c", "v"]);
    expect(queryKeys.health.metrics(s, "c", "v", range, "dark", 640, 260)).toEqual([...h, "metrics", "c", "v", range, "dark", 640, 260]);
    for (const name of ["deployments", "events", "targets", "alarms", "stopped", "logSources", "thresholds"] as const) {
      expect(queryKeys.health[name](s, "c", "v")).toEqual([...h, name, "c", "v"]);
    }
    expect(queryKeys.health.diff(s, "f:1", null)).toEqual([...h, "diff", "f:1", null]);

    expect(queryKeys.actions.revisions(s, "c", "v")).toEqual(["s", "s-gov", "us-gov-east-1", "revisions", "c", "v"]);
    expect(queryKeys.actions.protection(s, "c", "v")).toEqual(["s", "s-gov", "us-gov-east-1", "protection", "c", "v"]);
    expect(queryKeys.actions.status(s, "c", "v")).toEqual(["s", "s-gov", "us-gov-east-1", "action-status", "c", "v"]);
    expect(queryKeys.actions.plan(s, "c", "v", { kind: "forceNewDeployment" })).toEqual([
      "plan",
      "s-gov",
      "c",
      "v",
      '{"kind":"forceNewDeployment"}',
    ]);
    const filter: AuditFilter = { text: null, accountId: null, cluster: null, service: "v", action: null, limit: 500 };
    expect(queryKeys.actions.allAudit()).toEqual(["audit"]);
    expect(queryKeys.actions.audit(filter)).toEqual(["audit", filter]);

    expect(queryKeys.fleet.view()).toEqual(["fleet"]);
    expect(queryKeys.fleet.pins()).toEqual(["pins"]);
    expect(queryKeys.fleet.palette()).toEqual(["palette"]);
    expect(queryKeys.fleet.allHistory(s)).toEqual(["s", "s-gov", "us-gov-east-1", "history"]);
    expect(queryKeys.fleet.history(s, "c", "v")).toEqual(["s", "s-gov", "us-gov-east-1", "history", "c", "v"]);
  });

  it("scope a region switch: the same session in another region has other keys", () => {
    expect(queryKeys.browse.clusters({ ...s, region: "us-gov-west-1" })).not.toEqual(queryKeys.browse.clusters(s));
  });

  it("tell which sso-session a query belongs to", () => {
    const sso: SessionInfo = { ...comSession, ssoSession: "portal" };
    expect(ssoSessionOfKey(queryKeys.sso.accounts("portal"), undefined)).toBe("portal");
    expect(ssoSessionOfKey(queryKeys.sso.roles("portal", "1234"), undefined)).toBe("portal");
    expect(ssoSessionOfKey(queryKeys.browse.clusters(sso), [sso])).toBe("portal");
    expect(ssoSessionOfKey(queryKeys.browse.clusters(govSession), [govSession])).toBeUndefined();
    expect(ssoSessionOfKey(queryKeys.sessions(), [sso])).toBeUndefined();
  });
});
