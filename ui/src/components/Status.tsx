/** Colour class for a status word of ECS, a load balancer target or a CloudWatch alarm. */
export function statusTone(value: string | null | undefined): "good" | "warn" | "bad" | "info" | "muted" {
  switch ((value ?? "").toUpperCase()) {
    case "ACTIVE":
    case "RUNNING":
    case "HEALTHY":
    case "COMPLETED":
    case "PRIMARY":
    case "OK":
    case "SUCCESSFUL":
      return "good";
    case "DRAINING":
    case "DEACTIVATING":
    case "STOPPING":
    case "DEPROVISIONING":
    case "PROVISIONING":
    case "PENDING":
    case "ACTIVATING":
    case "IN_PROGRESS":
    case "INITIAL":
    case "STOP_REQUESTED":
    case "ROLLBACK_REQUESTED":
    case "ROLLBACK_IN_PROGRESS":
      return "info";
    case "UNHEALTHY":
    case "FAILED":
    case "ROLLBACK_FAILED":
    case "ALARM":
      return "bad";
    case "UNKNOWN":
    case "":
    case "INSUFFICIENT_DATA":
    case "UNUSED":
      return "muted";
    case "STOPPED":
    case "INACTIVE":
      return "muted";
    default:
      return "warn";
  }
}

/** Human wording for ECS status words ("IN_PROGRESS" → "In progress"). */
export function statusLabel(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "Unknown";
  if (value.toUpperCase() === "OK") return "OK";
  const words = value.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A small coloured pill for a status. */
export function StatusPill({ value, testId }: { value: string | null | undefined; testId?: string }) {
  return (
    <span className={`pill pill-${statusTone(value)}`} data-testid={testId} data-value={value ?? ""}>
      {statusLabel(value)}
    </span>
  );
}
