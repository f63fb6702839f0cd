import { describe, expect, it } from "vitest";
import { controllerLabel, outcomeLabel, outcomeTone } from "./words";

describe("controllerLabel", () => {
  it("names how ECS itself deploys", () => {
    const ecs = { scheduling: "replica", controller: "ecs" } as const;
    expect(controllerLabel(ecs)).toBe("ECS (rolling update)");
    expect(controllerLabel(ecs, "blueGreen")).toBe("ECS (blue/green)");
    expect(controllerLabel(ecs, "canary")).toBe("ECS (canary)");
    expect(controllerLabel(ecs, "linear")).toBe("ECS (linear traffic shift)");
  });

  it("leaves other deployers to their own words", () => {
    expect(controllerLabel({ scheduling: "replica", controller: "codeDeploy" }, "blueGreen")).toBe("AWS CodeDeploy (blue/green)");
  });
});

describe("outcomeLabel", () => {
  it("says a count changed again by something else as a warning, not a success", () => {
    expect(outcomeLabel("overridden")).toBe("Changed again");
    expect(outcomeTone("overridden")).toBe("warn");
    expect(outcomeTone("completed")).toBe("good");
  });
});
