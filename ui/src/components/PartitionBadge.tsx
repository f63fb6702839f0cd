import type { PartitionId } from "../api";

/** Short label of a partition; GovCloud is always spelled out. */
export function partitionShortLabel(partition: PartitionId): string {
  return partition === "aws-us-gov" ? "GovCloud" : "Commercial";
}

/** A coloured badge naming the partition; GovCloud has its own colour everywhere. */
export function PartitionBadge({ partition, testId = "partition-badge" }: { partition: PartitionId; testId?: string }) {
  const gov = partition === "aws-us-gov";
  return (
    <span
      className={gov ? "badge badge-gov" : "badge badge-commercial"}
      data-testid={testId}
      data-partition={partition}
      title={gov ? "AWS GovCloud (US) partition" : "AWS commercial partition"}
    >
      {partitionShortLabel(partition)}
    </span>
  );
}
