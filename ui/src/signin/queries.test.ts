import { describe, expect, it } from "vitest";
import { inOpeningOrder } from "./queries";
import { comSession, govSession } from "../test/fixtures";

describe("session tabs", () => {
  it("keep the order sessions were first seen in, whatever order the backend lists them", () => {
    expect(inOpeningOrder([govSession]).map((s) => s.id)).toEqual(["s-gov"]);
    expect(inOpeningOrder([comSession, govSession]).map((s) => s.id)).toEqual(["s-gov", "s-com"]);
    expect(inOpeningOrder([govSession, comSession]).map((s) => s.id)).toEqual(["s-gov", "s-com"]);
  });
});
