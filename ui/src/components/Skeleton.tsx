/** Grey placeholder rows shown while a list loads. */
export function SkeletonRows({ rows = 4, label }: { rows?: number; label: string }) {
  return (
    // A status region (aria-label is not allowed on a plain div); the label is also its text for screen readers.
    <div className="skeleton" data-testid="loading" role="status" aria-busy="true" aria-label={label}>
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton-row" />
      ))}
    </div>
  );
}

/** A friendly message for a list with nothing in it. */
export function EmptyState({ testId, title, children }: { testId: string; title: string; children?: React.ReactNode }) {
  return (
    <div className="empty" data-testid={testId}>
      <strong>{title}</strong>
      {children}
    </div>
  );
}
