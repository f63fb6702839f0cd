import { describe, expect, it } from "vitest";
import { formatAge, matchesFilter, revisionOf, shortTaskDefinition, taskIdOf } from "./format";

describe("format", () => {
  it("formats ages in plain words", () => {
    expect(formatAge(0)).toBe("just now");
    expect(formatAge(12.7)).toBe("12 s ago");
    expect(formatAge(180)).toBe("3 min ago");
    expect(formatAge(7200)).toBe("2 h ago");
    expect(formatAge(4 * 86400)).toBe("4 days ago");
  });

  it("reads task definition revisions from family:rev and ARNs", () => {
    expect(revisionOf("coe-etl-prod:3")).toBe(3);
    expect(revisionOf("arn:aws-us-gov:ecs:us-gov-east-1:1:task-definition/coe-etl-prod:12")).toBe(12);
    expect(revisionOf("coe-etl-prod")).toBeNull();
    expect(shortTaskDefinition("arn:aws:ecs:us-east-1:1:task-definition/api:7")).toBe("api:7");
    expect(taskIdOf("arn:aws:ecs:us-east-1:1:task/cl/abc123")).toBe("abc123");
  });

  it("filters case-insensitively across fields and ignores nulls", () => {
    expect(matchesFilter("ETL", "coe-etl-prod-Service", null)).toBe(true);
    expect(matchesFilter("  ", "x")).toBe(true);
    expect(matchesFilter("wft", "coe-etl-prod-Service", undefined, 3)).toBe(false);
    expect(matchesFilter("3", "a", 3)).toBe(true);
  });
});
