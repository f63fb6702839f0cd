import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { openSession, type PartitionInfo, type ProfileInfo, type ProfileKind } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { FilterInput } from "../components/FilterInput";
import { useListbox } from "../components/useListbox";
import { PartitionBadge } from "../components/PartitionBadge";
import { EmptyState, SkeletonRows } from "../components/Skeleton";
import { matchesFilter } from "../format";
import { useStickyState } from "../stickyState";
import { navigate } from "../route";
import { addOpenedSession, usePartitions, useProfiles, useSsoSessions } from "./queries";
import { SsoPanel } from "./SsoPanel";

const KIND_LABEL: Record<ProfileKind, string> = {
  static: "Access keys",
  sso: "AWS SSO",
  process: "Credential process",
  assumeRole: "Assumed role",
  other: "Other",
};

/** The region a profile opens in when the user does not choose: its own, else the partition's default. */
export function defaultRegionFor(profile: ProfileInfo, partition: PartitionInfo | undefined): string {
  if (profile.region !== null && profile.region !== "") return profile.region;
  return partition?.defaultRegion ?? (profile.partition === "aws-us-gov" ? "us-gov-east-1" : "us-east-1");
}

/** Sign-in: pick a profile of the AWS config, then a region of its partition, and open a session. */
export function SignIn() {
  const profiles = useProfiles();
  const partitions = usePartitions();
  const [filter, setFilter] = useStickyState("filter:profiles");
  const [selected, setSelected] = useState<string | null>(null);
  const [regionChoice, setRegionChoice] = useState<Record<string, string>>({});
  const client = useQueryClient();
  const open = useMutation({
    mutationFn: (args: { profile: string; region: string }) => openSession(args.profile, args.region),
    onSuccess: (session) => {
      addOpenedSession(client, session);
      navigate({ view: "clusters", sessionId: session.id });
    },
  });

  const list = profiles.data ?? [];
  const shown = list.filter((p) => matchesFilter(filter, p.name, p.accountId, p.region, p.partition, p.ssoSession));
  const profile = list.find((p) => p.name === selected) ?? (list.length === 1 ? list[0] : undefined);
  const partition = profile === undefined ? undefined : partitions.data?.find((p) => p.id === profile.partition);
  const region = profile === undefined ? "" : (regionChoice[profile.name] ?? defaultRegionFor(profile, partition));
  // Nothing configured at all: the SSO panel welcomes the user and asks for a start URL.
  const ssoSessions = useSsoSessions();
  const firstRun = profiles.isSuccess && list.length === 0 && ssoSessions.isSuccess && ssoSessions.data.length === 0;
  const listbox = useListbox({
    items: shown,
    keyOf: (p) => p.name,
    labelOf: (p) => p.name,
    selected: profile?.name ?? null,
    onSelect: (p) => {
      setSelected(p.name);
      open.reset();
    },
  });

  return (
    <main className="page signin" data-testid="signin-view">
      <h1>Open a session</h1>
      <p className="lede">
        Sign in through your AWS access portal and pick an account, role and region, or use a profile of your AWS config
        file. Each opens in its own session; keep several open and switch between them at the top.
      </p>
      <SsoPanel firstRun={firstRun} />
      {!firstRun && <h2 className="section-title">Profiles of your AWS config</h2>}
      {!firstRun && <div className="signin-grid">
        <section className="card" aria-labelledby="profiles-title">
          <div className="card-head">
            <h2 id="profiles-title">Profiles</h2>
            <FilterInput value={filter} onChange={setFilter} label="Filter profiles" />
          </div>
          {profiles.isPending && <SkeletonRows label="Loading profiles" />}
          {profiles.isError && (
            <ErrorPanel
              title="Could not read your AWS profiles"
              error={profiles.error}
              onRetry={() => void profiles.refetch()}
              retrying={profiles.isFetching}
            />
          )}
          {profiles.isSuccess && list.length === 0 && (
            <EmptyState testId="empty-profiles" title="No AWS profiles found">
              <p>
                Add a profile to your AWS config file (<code>~/.aws/config</code>, or the file named by{" "}
                <code>AWS_CONFIG_FILE</code>), then press Refresh.
              </p>
              <button type="button" className="button" onClick={() => void profiles.refetch()}>
                Refresh
              </button>
            </EmptyState>
          )}
          {profiles.isSuccess && list.length > 0 && shown.length === 0 && (
            <EmptyState testId="no-match" title={`No profile matches “${filter}”.`} />
          )}
          {shown.length > 0 && (
            <ul className="profile-list" data-testid="profile-list" aria-label="Profiles" {...listbox.listProps}>
              {shown.map((p, i) => (
                <li
                  key={p.name}
                  {...listbox.optionProps(p, i)}
                  className={`profile-row${profile?.name === p.name ? " selected" : ""}${p.partition === "aws-us-gov" ? " gov" : ""}`}
                  data-testid={`profile-row-${p.name}`}
                  data-partition={p.partition}
                >
                  <span className="profile-name">{p.name}</span>
                  <PartitionBadge partition={p.partition} />
                  <span className="profile-meta">
                    {KIND_LABEL[p.kind]}
                    {p.accountId !== null && ` · account ${p.accountId}`}
                    {p.region !== null && ` · ${p.region}`}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="card" aria-labelledby="open-title" data-testid="open-panel">
          <h2 id="open-title">Region</h2>
          {profile === undefined ? (
            <p className="muted">Select a profile on the left to choose its region.</p>
          ) : (
            <form
              className="open-form"
              onSubmit={(e) => {
                e.preventDefault();
                open.mutate({ profile: profile.name, region });
              }}
            >
              <p className="selected-profile">
                <span data-testid="selected-profile">{profile.name}</span>{" "}
                <PartitionBadge partition={profile.partition} testId="selected-partition-badge" />
              </p>
              {profile.partition === "aws-us-gov" && (
                <p className="gov-note" data-testid="gov-note">
                  This is a GovCloud (US) profile. Only GovCloud regions are offered.
                </p>
              )}
              <label className="field">
                <span className="label-text">Region in {partition?.label ?? profile.partition}</span>
                <select
                  value={region}
                  onChange={(e) => {
                    setRegionChoice({ ...regionChoice, [profile.name]: e.target.value });
                  }}
                  data-testid="region-select"
                >
                  {(partition?.regions ?? [{ code: region, name: region }]).map((r) => (
                    <option key={r.code} value={r.code}>
                      {r.code} — {r.name}
                      {r.code === partition?.defaultRegion ? " (default)" : ""}
                    </option>
                  ))}
                </select>
              </label>
              {partitions.isError && (
                <ErrorPanel
                  title="Could not load the region list"
                  error={partitions.error}
                  onRetry={() => void partitions.refetch()}
                />
              )}
              <button type="submit" className="button primary" disabled={open.isPending} data-testid="open-session">
                {open.isPending ? "Signing in…" : "Open session"}
              </button>
              {open.isError && (
                <ErrorPanel
                  title={`Could not sign in with ${profile.name}`}
                  error={open.error}
                  onRetry={() => {
                    open.mutate({ profile: profile.name, region });
                  }}
                  retrying={open.isPending}
                />
              )}
            </form>
          )}
        </section>
      </div>}
    </main>
  );
}
