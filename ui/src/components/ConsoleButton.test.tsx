import { describe, expect, it } from "vitest";
import { comSession, govSession } from "../test/fixtures";
import { consoleTitle } from "./ConsoleButton";

describe("consoleTitle", () => {
  it("says a portal session opens the console signed in as its role", () => {
    const sso = { ...govSession, roleName: "OperatorAccess", accountName: "tak-govcloud-prod" };
    expect(consoleTitle(sso)).toBe(
      "Opens the GovCloud AWS console in your browser, signed in as OperatorAccess in tak-govcloud-prod through your access portal",
    );
  });

  it("says a key session signs in through AWS sign-in", () => {
    const keys = { ...comSession, roleName: undefined, accountName: "tak-commercial-staging" };
    expect(consoleTitle(keys)).toBe(
      "Opens the commercial AWS console in your browser, signed in as tak-commercial-staging through AWS sign-in (federation)",
    );
  });
});
