// The audit log: every action, confirmed or cancelled, with its verdict; filter and CSV export.
import { useState } from "react";
import * as api from "../api";
import { FilterInput } from "../components/FilterInput";
import { DIALOG_CLOSE, useDialog } from "../components/useDialog";
import { formatTime } from "../format";
import { useAudit } from "./queries";
import { actionName, resultName } from "./words";
import "./actions.css";

/** The audit log in a dialog. */
export function AuditLog({ onClose, service }: { onClose: () => void; service?: string }) {
  const [text, setText] = useState("");
  const [onlyThis, setOnlyThis] = useState(service !== undefined);
  const filter: api.AuditFilter = {
    text: text.trim() === "" ? null : text,
    accountId: null,
    cluster: null,
    service: onlyThis && service !== undefined ? service : null,
    action: null,
    limit: 500,
  };
  const entries = useAudit(filter);
  const [exported, setExported] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const dialog = useDialog(onClose);
  return (
    <div className="modal-backdrop" data-testid="audit-dialog">
      <div ref={dialog} tabIndex={-1} className="modal modal-wide" role="dialog" aria-modal="true" aria-labelledby="audit-title">
        <h2 id="audit-title">Audit log</h2>
        <p className="muted">Every action planned in ECS Desk on this computer: who, where, what, and how it ended.</p>
        <div className="toolbar">
          <FilterInput value={text} onChange={setText} label="Filter the audit log" placeholder="Filter the log" testId="audit-filter" />
          {service !== undefined && (
            <label className="toggle">
              <input
                type="checkbox"
                checked={onlyThis}
                onChange={(e) => {
                  setOnlyThis(e.target.checked);
                }}
                data-testid="audit-only-service"
              />
              Only {service}
            </label>
          )}
          <span className="toolbar-spacer" />
          <button
            type="button"
            className="button"
            onClick={() => {
              setExportError(null);
              api.exportAuditCsv({ ...filter, limit: null }).then(setExported, (e: unknown) => {
                setExportError(api.toApiError(e).message);
              });
            }}
            data-testid="audit-export"
          >
            Export CSV
          </button>
        </div>
        {exported !== null && (
          <p className="actions-note" data-testid="audit-exported">
            Saved to {exported}
          </p>
        )}
        {exportError !== null && <p className="form-error">{exportError}</p>}
        {entries.isError && <p className="form-error">{api.toApiError(entries.error).message}</p>}
        {entries.data !== undefined && entries.data.skipped > 0 && (
          <p className="form-error" role="status" data-testid="audit-skipped">
            {entries.data.skipped === 1
              ? "1 line of the audit log is damaged and could not be read; it is not shown."
              : `${entries.data.skipped.toLocaleString()} lines of the audit log are damaged and could not be read; they are not shown.`}
          </p>
        )}
        {entries.data !== undefined && entries.data.entries.length === 0 && (
          <p className="muted" data-testid="audit-empty">
            No action recorded{text !== "" ? " matches this filter" : " yet"}.
          </p>
        )}
        {entries.data !== undefined && entries.data.entries.length > 0 && (
          // The table scrolls sideways in a narrow window and has nothing to press: focusable to scroll by keyboard.
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Audit entries">
            <table className="table" data-testid="audit-table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Who</th>
                  <th>Where</th>
                  <th>Action</th>
                  <th>Result</th>
                  <th>Plan</th>
                </tr>
              </thead>
              <tbody>
                {entries.data.entries.map((e) => {
                  const r = e.record;
                  return (
                    <tr key={`${r.planId}:${r.time}:${r.event}`} data-testid="audit-row">
                      <td>{formatTime(r.time)}</td>
                      <td>
                        {r.user}
                        {r.role !== null && <div className="cell-note">{r.role}</div>}
                      </td>
                      <td>
                        {r.service}
                        <div className="cell-note">
                          {r.cluster} · {r.region} · {r.accountId}
                          {r.partition === "aws-us-gov" ? " · GovCloud" : ""}
                        </div>
                      </td>
                      <td>
                        {actionName(r.action)}
                        {r.action === "stopTask" && typeof r.parameters.reason === "string" && (
                          <div className="cell-note">Reason: {r.parameters.reason}</div>
                        )}
                      </td>
                      <td data-testid="audit-result">
                        {resultName(e.verdict ?? r.result)}
                        {(e.verdictMessage ?? r.message) !== null && <div className="cell-note">{e.verdictMessage ?? r.message}</div>}
                      </td>
                      <td className="reason">{r.planSummary}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose} data-testid="audit-close" {...DIALOG_CLOSE}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
