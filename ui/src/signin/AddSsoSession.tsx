import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { addSsoSession, type PartitionId, type SsoSessionStatus } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { PartitionBadge } from "../components/PartitionBadge";
import { queryKeys } from "../query/keys";
import { usePartitions } from "./queries";

/** The partition an SSO region belongs to (GovCloud regions start with us-gov-). */
export function partitionOfRegion(region: string): PartitionId {
  return region.trim().startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** Adds an SSO start URL + SSO region to the AWS config (as `aws configure sso-session` does). */
export function AddSsoSession({
  onAdded,
  onCancel,
}: {
  onAdded?: (status: SsoSessionStatus) => void;
  onCancel?: () => void;
}) {
  const partitions = usePartitions();
  const client = useQueryClient();
  const [startUrl, setStartUrl] = useState("");
  const [region, setRegion] = useState("us-east-1");
  const [name, setName] = useState("");
  const add = useMutation({
    mutationFn: () => addSsoSession(name.trim() === "" ? null : name.trim(), startUrl.trim(), region),
    onSuccess: (status) => {
      client.setQueryData<SsoSessionStatus[]>(queryKeys.sso.sessions(), (old) => [...(old ?? []), status]);
      void client.invalidateQueries({ queryKey: queryKeys.sso.sessions() });
      void client.invalidateQueries({ queryKey: queryKeys.profiles() });
      onAdded?.(status);
    },
  });
  const partition = partitionOfRegion(region);
  const partitionLabel = partitions.data?.find((p) => p.id === partition)?.label ?? (partition === "aws-us-gov" ? "GovCloud (US)" : "Commercial");

  return (
    <form
      className="add-sso"
      data-testid="add-sso-form"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <label className="field">
        <span className="field-label">SSO start URL</span>
        <input
          type="url"
          required
          value={startUrl}
          onChange={(e) => {
            setStartUrl(e.target.value);
          }}
          placeholder="https://my-company.awsapps.com/start"
          data-testid="sso-start-url"
        />
        <span className="muted field-hint">
          The address of your AWS access portal. GovCloud portals look like https://start.us-gov-home.awsapps.com/directory/…
        </span>
      </label>
      <label className="field">
        <span className="field-label">SSO region</span>
        <select
          value={region}
          onChange={(e) => {
            setRegion(e.target.value);
          }}
          data-testid="sso-region"
        >
          {(partitions.data ?? []).map((p) => (
            <optgroup key={p.id} label={p.label}>
              {p.regions.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.code} — {r.name}
                </option>
              ))}
            </optgroup>
          ))}
          {partitions.data === undefined && <option value={region}>{region}</option>}
        </select>
      </label>
      <p className="inferred" data-testid="sso-inferred-partition" data-partition={partition}>
        Partition: <PartitionBadge partition={partition} testId="sso-inferred-badge" /> {partitionLabel}
        {partition === "aws-us-gov" && <span className="muted"> — accounts of this portal open in GovCloud regions only.</span>}
      </p>
      <label className="field">
        <span className="field-label">Name (optional)</span>
        <input
          type="text"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
          }}
          placeholder="made from the start URL"
          data-testid="sso-session-name"
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={add.isPending || startUrl.trim() === ""} data-testid="sso-add-submit">
          {add.isPending ? "Saving…" : "Save"}
        </button>
        {onCancel !== undefined && (
          <button type="button" className="button" onClick={onCancel} data-testid="sso-add-cancel">
            Cancel
          </button>
        )}
      </div>
      <p className="muted field-hint">Saved to your AWS config file as an sso-session, the same way the AWS CLI saves it.</p>
      {add.isError && <ErrorPanel title="Could not save the SSO start URL" error={add.error} />}
    </form>
  );
}
