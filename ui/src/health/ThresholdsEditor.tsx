// The per-service thresholds editor opened from the health banner. Checks the numbers here for a
// quick message; the core checks them again before saving.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import * as api from "../api";
import type { SessionInfo, Thresholds } from "../api";
import { ErrorPanel } from "../components/ErrorPanel";
import { SkeletonRows } from "../components/Skeleton";
import { queryKeys } from "../query/keys";
import { useThresholds } from "./queries";

/** The four fields, with their words, units and allowed ranges (as the core checks them). */
export const FIELDS = [
  { key: "cpuPercent", label: "CPU", unit: "%", min: 1, max: 100 },
  { key: "memoryPercent", label: "Memory", unit: "%", min: 1, max: 100 },
  { key: "errorRatePercent", label: "5xx errors", unit: "% of requests", min: 0.01, max: 100 },
  { key: "responseTimeMs", label: "Response time", unit: "ms", min: 1, max: 60_000 },
] as const;

type Draft = Record<keyof Thresholds, string>;

const toDraft = (t: Thresholds): Draft => ({
  cpuPercent: String(t.cpuPercent),
  memoryPercent: String(t.memoryPercent),
  errorRatePercent: String(t.errorRatePercent),
  responseTimeMs: String(t.responseTimeMs),
});

/** The thresholds in `draft`, or the first problem in words. */
export function parseThresholds(draft: Draft): { thresholds: Thresholds } | { problem: string } {
  const out: Partial<Thresholds> = {};
  for (const f of FIELDS) {
    const text = draft[f.key].trim();
    const value = Number(text);
    if (text === "" || !Number.isFinite(value)) return { problem: `${f.label}: enter a number.` };
    if (value < f.min || value > f.max) return { problem: `${f.label} must be between ${f.min} and ${f.max} ${f.unit}.` };
    out[f.key] = value;
  }
  return { thresholds: out as Thresholds };
}

/** The form: four numbers, save, reset to the runbook defaults, close. */
export function ThresholdsForm({
  session,
  cluster,
  service,
  onClose,
}: {
  session: SessionInfo;
  cluster: string;
  service: string;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const current = useThresholds(session, cluster, service);
  const [draft, setDraft] = useState<Draft | null>(null);
  const save = useMutation({
    mutationFn: (t: Thresholds | null) => api.setThresholds(session.id, cluster, service, t),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.health.thresholds(session, cluster, service), saved);
      setDraft(toDraft(saved.thresholds));
      // The banner and the charts (threshold lines) use the saved thresholds from now on.
      void client.invalidateQueries({ queryKey: queryKeys.health.all(session) });
    },
  });

  if (current.isPending) {
    return (
      <div className="thresholds-form" data-testid="thresholds-form">
        <SkeletonRows rows={2} label="Loading the thresholds" />
      </div>
    );
  }
  if (current.isError) {
    return (
      <div className="thresholds-form" data-testid="thresholds-form">
        <ErrorPanel title="Could not read the saved thresholds" error={current.error} onRetry={() => void current.refetch()} retrying={current.isFetching} />
      </div>
    );
  }
  const setting = current.data;
  const values = draft ?? toDraft(setting.thresholds);
  const parsed = parseThresholds(values);
  return (
    <form
      className="thresholds-form"
      data-testid="thresholds-form"
      onSubmit={(e) => {
        e.preventDefault();
        if ("thresholds" in parsed) save.mutate(parsed.thresholds);
      }}
    >
      <p className="muted" data-testid="thresholds-source">
        {setting.custom ? "This service has its own thresholds." : "This service uses the runbook defaults."} A value above a
        threshold turns the health amber.
      </p>
      <div className="thresholds-fields">
        {FIELDS.map((f) => (
          <label key={f.key}>
            <span>
              {f.label} ({f.unit})
            </span>
            <input
              type="number"
              inputMode="decimal"
              step="any"
              min={f.min}
              max={f.max}
              value={values[f.key]}
              onChange={(e) => {
                setDraft({ ...values, [f.key]: e.target.value });
              }}
              data-testid={`threshold-${f.key}`}
            />
            <span className="muted">default {setting.defaults[f.key]}</span>
          </label>
        ))}
      </div>
      {"problem" in parsed && (
        <p className="bad-text" role="alert" data-testid="thresholds-problem">
          {parsed.problem}
        </p>
      )}
      {save.isError && <ErrorPanel title="Could not save the thresholds" error={save.error} />}
      {save.isSuccess && (
        <p className="muted" data-testid="thresholds-saved">
          {save.data.custom ? "Saved." : "Back to the runbook defaults."}
        </p>
      )}
      <div className="modal-actions">
        <button
          type="button"
          className="button"
          disabled={save.isPending || !setting.custom}
          onClick={() => {
            save.mutate(null);
          }}
          data-testid="thresholds-reset"
        >
          Reset to runbook defaults
        </button>
        <button type="button" className="button" onClick={onClose} data-testid="thresholds-close">
          Close
        </button>
        <button type="submit" className="button primary" disabled={save.isPending || "problem" in parsed} data-testid="thresholds-save">
          Save
        </button>
      </div>
    </form>
  );
}
