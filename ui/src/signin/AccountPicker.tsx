import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import {
  listSsoAccounts,
  openSsoSession,
  setFavourite,
  type AccountInfo,
  type SsoSessionStatus,
} from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { FilterInput } from "../components/FilterInput";
import { PartitionBadge } from "../components/PartitionBadge";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { navigate } from "../route";
import { queryKeys } from "../query/keys";
import { addOpenedSession, usePartitions, useSsoAccounts, useSsoRoles } from "./queries";

/** Does the account match the search (name or id, case-insensitive)? */
export function accountMatches(account: AccountInfo, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === "") return true;
  return account.accountName.toLowerCase().includes(q) || account.accountId.includes(q);
}

/** Favourites first, then by name (the backend sorts too; a star toggled here re-sorts at once). */
export function sortAccounts(accounts: AccountInfo[]): AccountInfo[] {
  return [...accounts].sort(
    (a, b) => Number(b.favourite) - Number(a.favourite) || a.accountName.localeCompare(b.accountName),
  );
}

/** Accounts of a signed-in sso-session: search, favourites, roles per account, region, Open. */
export function AccountPicker({ status }: { status: SsoSessionStatus }) {
  const session = status.session;
  const client = useQueryClient();
  const accounts = useSsoAccounts(session, status.signedIn);
  const partitions = usePartitions();
  const partition = partitions.data?.find((p) => p.id === status.partition);
  const defaultRegion = partition?.defaultRegion ?? (status.partition === "aws-us-gov" ? "us-gov-east-1" : "us-east-1");
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const [region, setRegion] = useState<string | null>(null);
  const chosenRegion = region ?? defaultRegion;

  const refresh = useMutation({
    mutationFn: () => listSsoAccounts(session, true),
    onSuccess: (fresh) => {
      client.setQueryData(queryKeys.sso.accounts(session), fresh);
      void client.invalidateQueries({ queryKey: queryKeys.sso.allRoles(session) });
    },
  });
  const star = useMutation({
    mutationFn: (args: { accountId: string; favourite: boolean }) => setFavourite(session, args.accountId, args.favourite),
    onSuccess: (favourites) => {
      client.setQueryData<AccountInfo[]>(queryKeys.sso.accounts(session), (old) =>
        old?.map((a) => ({ ...a, favourite: favourites.includes(a.accountId) })),
      );
    },
  });
  const open = useMutation({
    mutationFn: (args: { accountId: string; roleName: string; region: string }) =>
      openSsoSession(session, args.accountId, args.roleName, args.region),
    onSuccess: (opened) => {
      addOpenedSession(client, opened);
      navigate({ view: "clusters", sessionId: opened.id });
    },
  });

  const list = sortAccounts(accounts.data ?? []);
  const shown = list.filter((a) => accountMatches(a, query));
  const account = list.find((a) => a.accountId === selected) ?? (shown.length === 1 ? shown[0] : undefined);
  const gov = status.partition === "aws-us-gov";

  return (
    <div className={gov ? "account-picker gov" : "account-picker"} data-testid="account-picker" data-session={session}>
      <div className="toolbar">
        <FilterInput value={query} onChange={setQuery} label="Search accounts" placeholder="Account name or id" testId="account-search" />
        <label className="region-field">
          <span className="label-text">
            Region <PartitionBadge partition={status.partition} testId="account-region-badge" />
          </span>
          <select
            value={chosenRegion}
            onChange={(e) => {
              setRegion(e.target.value);
            }}
            data-testid="account-region-select"
          >
            {(partition?.regions ?? [{ code: chosenRegion, name: chosenRegion }]).map((r) => (
              <option key={r.code} value={r.code}>
                {r.code} — {r.name}
                {r.code === partition?.defaultRegion ? " (default)" : ""}
              </option>
            ))}
          </select>
        </label>
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="button"
          onClick={() => {
            refresh.mutate();
          }}
          disabled={refresh.isPending}
          data-testid="accounts-refresh"
          title="Ask the portal again for your accounts and roles"
        >
          {refresh.isPending ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      {accounts.isPending && <SkeletonRows label="Loading accounts" />}
      {accounts.isError && (
        <ErrorPanel
          title={`Could not list the accounts of ${session}`}
          error={accounts.error}
          onRetry={() => void accounts.refetch()}
          retrying={accounts.isFetching}
        />
      )}
      {refresh.isError && <ErrorPanel title="Could not refresh the accounts" error={refresh.error} />}
      {accounts.isSuccess && list.length === 0 && (
        <EmptyState testId="no-accounts" title="This sign-in gives you no accounts.">
          <p>Ask your AWS administrator to assign you to an account.</p>
        </EmptyState>
      )}
      {accounts.isSuccess && list.length > 0 && shown.length === 0 && (
        <EmptyState testId="no-account-match" title={`No account matches “${query}”.`} />
      )}
      {shown.length > 0 && (
        <ul className="account-list" data-testid="account-list" aria-label="Accounts">
          {shown.map((a) => {
            const isSelected = account?.accountId === a.accountId;
            return (
              <li key={a.accountId} className={isSelected ? "account-item selected" : "account-item"}>
                <div className="account-row">
                  <button
                    type="button"
                    className={a.favourite ? "star on" : "star"}
                    aria-pressed={a.favourite}
                    aria-label={a.favourite ? `Remove ${a.accountName} from favourites` : `Add ${a.accountName} to favourites`}
                    title={a.favourite ? "Favourite (click to remove)" : "Mark as favourite"}
                    onClick={() => {
                      star.mutate({ accountId: a.accountId, favourite: !a.favourite });
                    }}
                    data-testid={`account-star-${a.accountId}`}
                  >
                    {a.favourite ? "★" : "☆"}
                  </button>
                  <button
                    type="button"
                    className="account-main"
                    aria-expanded={isSelected}
                    onClick={() => {
                      setSelected(isSelected ? null : a.accountId);
                      open.reset();
                    }}
                    data-testid={`account-row-${a.accountId}`}
                    data-account-name={a.accountName}
                  >
                    <span className="account-name">{a.accountName}</span>
                    <span className="account-id">{a.accountId}</span>
                    {a.emailAddress !== null && <span className="account-email muted">{a.emailAddress}</span>}
                  </button>
                </div>
                {isSelected && (
                  <Roles
                    session={session}
                    account={a}
                    region={chosenRegion}
                    opening={open.isPending ? open.variables.roleName : null}
                    onOpen={(roleName) => {
                      open.mutate({ accountId: a.accountId, roleName, region: chosenRegion });
                    }}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
      {star.isError && <ErrorPanel title="Could not save the favourite" error={star.error} />}
      {open.isError && (
        <ErrorPanel
          title={`Could not open ${open.variables.roleName} in ${account?.accountName ?? open.variables.accountId}`}
          error={open.error}
          onRetry={() => {
            open.mutate(open.variables);
          }}
          retrying={open.isPending}
        />
      )}
    </div>
  );
}

function Roles({
  session,
  account,
  region,
  opening,
  onOpen,
}: {
  session: string;
  account: AccountInfo;
  region: string;
  opening: string | null;
  onOpen: (roleName: string) => void;
}) {
  const roles = useSsoRoles(session, account.accountId);
  return (
    <div className="roles" data-testid={`roles-${account.accountId}`}>
      {roles.isPending && <SkeletonRows label="Loading roles" rows={2} />}
      {roles.isError && (
        <ErrorPanel title="Could not list the roles" error={roles.error} onRetry={() => void roles.refetch()} />
      )}
      {roles.isSuccess && roles.data.length === 0 && <p className="muted">You have no role in this account.</p>}
      {roles.isSuccess &&
        roles.data.map((r) => (
          <div key={r.roleName} className="role-row" data-testid={`role-row-${r.roleName}`}>
            <span className="role-name">{r.roleName}</span>
            {/ReadOnly/i.test(r.roleName) && <span className="pill pill-muted">view only</span>}
            <span className="toolbar-spacer" />
            <button
              type="button"
              className="button primary"
              disabled={opening !== null}
              onClick={() => {
                onOpen(r.roleName);
              }}
              data-testid={`open-role-${r.roleName}`}
              title={`Open ${account.accountName} as ${r.roleName} in ${region}`}
            >
              {opening === r.roleName ? "Opening…" : `Open in ${region}`}
            </button>
          </div>
        ))}
    </div>
  );
}
