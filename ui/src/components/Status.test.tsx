import { describe, expect, it } from "vitest";
import { statusLabel, statusTone } from "./Status";

describe("status pills", () => {
  it("colours alarm states the way their words read", () => {
    expect(statusTone("OK")).toBe("good");
    expect(statusTone("ALARM")).toBe("bad");
    expect(statusTone("INSUFFICIENT_DATA")).toBe("muted");
  });

  it("colours target and task states", () => {
    expect(statusTone("healthy")).toBe("good");
    expect(statusTone("unhealthy")).toBe("bad");
    expect(statusTone("draining")).toBe("info");
    expect(statusTone("initial")).toBe("info");
    expect(statusTone("RUNNING")).toBe("good");
    expect(statusTone("SOMETHING_NEW")).toBe("warn");
  });

  it("writes status words as words", () => {
    expect(statusLabel("OK")).toBe("OK");
    expect(statusLabel("INSUFFICIENT_DATA")).toBe("Insufficient data");
    expect(statusLabel("IN_PROGRESS")).toBe("In progress");
    expect(statusLabel(null)).toBe("Unknown");
  });
});
