import { toApiError } from "../api";

/** An error shown where it happened: plain words, the AWS code on demand, and a Retry button. */
export function ErrorPanel({
  title,
  error,
  onRetry,
  retrying = false,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
}) {
  const e = toApiError(error);
  return (
    <div className="error-panel" role="alert" data-testid="error-panel" data-code={e.code}>
      <div className="error-text">
        <strong>{title}</strong>
        <p data-testid="error-message">{e.message}</p>
        <details>
          <summary>Details</summary>
          <dl className="error-details">
            <dt>Error code</dt>
            <dd data-testid="error-code">{e.code}</dd>
            <dt>Worth retrying</dt>
            <dd>{e.retryable ? "Yes, this is usually temporary" : "Probably not without a change"}</dd>
          </dl>
        </details>
      </div>
      {onRetry !== undefined && (
        <button type="button" className="button" onClick={onRetry} disabled={retrying} data-testid="retry-button">
          {retrying ? "Retrying…" : "Retry"}
        </button>
      )}
    </div>
  );
}
