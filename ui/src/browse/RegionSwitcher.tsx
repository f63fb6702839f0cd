import { useMutation, useQueryClient } from "@tanstack/react-query";
import { setSessionRegion, type SessionInfo } from "../api";
import { queryKeys } from "../query/keys";
import { usePartitions } from "../signin/queries";
import { navigate } from "../route";
import { ErrorPanel } from "../components/ErrorPanel";

/** A region picker for an open session, offering only its partition's regions. */
export function RegionSwitcher({
  session,
  testId = "region-switcher",
  label = "Region",
  compact = false,
}: {
  session: SessionInfo;
  testId?: string;
  label?: string;
  /** Region codes only, for the narrow app bar. */
  compact?: boolean;
}) {
  const partitions = usePartitions();
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: (region: string) => setSessionRegion(session.id, region),
    onSuccess: (updated) => {
      client.setQueryData<SessionInfo[]>(queryKeys.sessions(), (old) =>
        old?.map((s) => (s.id === updated.id ? updated : s)),
      );
      void client.invalidateQueries({ queryKey: queryKeys.sessions() });
      // Clusters differ per region, so a region change always lands on the clusters list.
      navigate({ view: "clusters", sessionId: updated.id });
    },
  });
  const partition = partitions.data?.find((p) => p.id === session.partition);
  const regions = partition?.regions ?? [{ code: session.region, name: session.region }];
  return (
    <span className="region-switcher">
      <label>
        <span className="label-text">{label}</span>
        <select
          value={change.isPending ? change.variables : session.region}
          disabled={change.isPending}
          onChange={(e) => {
            change.mutate(e.target.value);
          }}
          data-testid={testId}
        >
          {regions.map((r) => (
            <option key={r.code} value={r.code} title={r.name}>
              {compact ? r.code : `${r.code} — ${r.name}`}
            </option>
          ))}
        </select>
      </label>
      {change.isError && (
        <ErrorPanel
          title="Could not switch region"
          error={change.error}
          onRetry={() => {
            change.mutate(change.variables);
          }}
        />
      )}
    </span>
  );
}
