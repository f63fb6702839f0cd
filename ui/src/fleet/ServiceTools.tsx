import "./fleet.css";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { pinService, unpinService, writeSnapshot, type RangePreset, type SessionInfo } from "../api";
import { ConsoleButton } from "../components/ConsoleButton";
import { ErrorPanel } from "../components/ErrorPanel";
import { queryKeys } from "../query/keys";
import { usePins } from "./queries";

/** The key the backend gives a pin (partition|account|region|cluster|service). */
export function pinKey(session: SessionInfo, cluster: string, service: string): string {
  return `${session.partition}|${session.accountId}|${session.region}|${cluster}|${service}`;
}

/** Service page tools: pin to the fleet, open in the AWS console, incident snapshot. */
export function ServiceTools({ session, cluster, service }: { session: SessionInfo; cluster: string; service: string }) {
  const client = useQueryClient();
  const pins = usePins();
  const key = pinKey(session, cluster, service);
  const pinned = pins.data?.some((p) => `${p.partition}|${p.accountId}|${p.region}|${p.cluster}|${p.service}` === key) ?? false;
  const toggle = useMutation({
    mutationFn: () => (pinned ? unpinService(key) : pinService(session.id, cluster, service)),
    onSuccess: async (next) => {
      client.setQueryData(queryKeys.fleet.pins(), next);
      await client.invalidateQueries({ queryKey: queryKeys.fleet.view() });
    },
  });
  const [span, setSpan] = useState<RangePreset>("3h");
  const snapshot = useMutation({ mutationFn: () => writeSnapshot(session.id, cluster, service, span) });
  return (
    <div className="service-tools" data-testid="service-tools">
      <button
        type="button"
        className="button pin-star"
        aria-pressed={pinned}
        onClick={() => {
          toggle.mutate();
        }}
        disabled={pins.isPending || toggle.isPending}
        data-testid="pin-toggle"
        title={pinned ? "Remove from the fleet page" : "Show this service on the fleet page"}
      >
        {pinned ? "★ Pinned to fleet" : "☆ Pin to fleet"}
      </button>
      <ConsoleButton session={session} target={{ kind: "service", cluster, service }} />
      <ConsoleButton session={session} target={{ kind: "cluster", cluster }} label="Cluster in AWS console ↗" testId="open-console-cluster" />
      <button
        type="button"
        className="button"
        onClick={() => {
          snapshot.mutate();
        }}
        disabled={snapshot.isPending}
        data-testid="snapshot-button"
        title="Writes an HTML and a Markdown file with health, charts, deployments, events, stopped tasks, error lines and actions"
      >
        {snapshot.isPending ? "Writing snapshot…" : "Incident snapshot"}
      </button>
      <select
        value={span}
        onChange={(e) => {
          setSpan(e.target.value as RangePreset);
        }}
        aria-label="Snapshot window"
        data-testid="snapshot-window"
      >
        <option value="1h">last hour</option>
        <option value="3h">last 3 hours</option>
        <option value="12h">last 12 hours</option>
        <option value="1d">last day</option>
      </select>
      {snapshot.data !== undefined && (
        <span className="muted" data-testid="snapshot-written">
          Saved {snapshot.data.htmlPath} and {snapshot.data.markdownPath.split("/").pop()}
          {snapshot.data.notes.length > 0 && ` (not included: ${snapshot.data.notes.join("; ")})`}
        </span>
      )}
      {toggle.isError && <ErrorPanel title="Could not change the pin" error={toggle.error} />}
      {snapshot.isError && <ErrorPanel title="Could not write the snapshot" error={snapshot.error} />}
    </div>
  );
}
