// Test-only fixtures of signing in through AWS SSO: portal states, accounts, the login channel.
import type { AccountInfo, LoginProgress, SsoSessionStatus } from "../api";

export const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

export const govStatus: SsoSessionStatus = {
  session: "ecsdesk-demo-gov",
  startUrl: "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo",
  region: "us-gov-west-1",
  partition: "aws-us-gov",
  signedIn: false,
  expiresAt: null,
  refreshable: false,
};
export const comStatus: SsoSessionStatus = {
  session: "ecsdesk-demo",
  startUrl: "https://ecsdesk-demo.awsapps.com/start",
  region: "us-east-1",
  partition: "aws",
  signedIn: true,
  expiresAt: inHours(8),
  refreshable: true,
};
export const govProd: AccountInfo = {
  accountId: "210987654321",
  accountName: "tak-govcloud-prod",
  emailAddress: "gov@example.com",
  favourite: false,
};
export const govAccounts: AccountInfo[] = [
  govProd,
  { accountId: "210987654322", accountName: "tak-govcloud-dev", emailAddress: null, favourite: true },
];

/** The channel passed to the last sso_login_start call. */
export function lastChannel(calls: { command: string; args: Record<string, unknown> }[]) {
  const call = calls.filter((c) => c.command === "sso_login_start").at(-1);
  return call?.args.channel as { onmessage: (p: LoginProgress) => void };
}
