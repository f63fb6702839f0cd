import type { SessionInfo } from "../api";
import { navigate, type Route } from "../route";
import { usePartitions } from "../signin/queries";
import { PartitionBadge } from "../components/PartitionBadge";

interface Crumb {
  key: "partition" | "account" | "region" | "cluster" | "service" | "task";
  label: React.ReactNode;
  title: string;
  to: Route;
}

/** partition › account › region › cluster › service › task, each a link. */
export function Breadcrumbs({ route, session }: { route: Route; session: SessionInfo }) {
  const partitions = usePartitions();
  const partitionLabel =
    partitions.data?.find((p) => p.id === session.partition)?.label ??
    (session.partition === "aws-us-gov" ? "GovCloud (US)" : "Commercial");
  const sessionId = session.id;
  const crumbs: Crumb[] = [
    {
      key: "partition",
      label: (
        <>
          <PartitionBadge partition={session.partition} testId="crumb-partition-badge" /> {partitionLabel}
        </>
      ),
      title: "Partition: pick another profile or partition",
      to: { view: "signin" },
    },
    {
      key: "account",
      label: session.accountName ?? session.accountId,
      title: `Account ${session.accountId} (profile ${session.profile})`,
      to: { view: "clusters", sessionId },
    },
    { key: "region", label: session.region, title: "Region: clusters of this region", to: { view: "clusters", sessionId } },
  ];
  if (route.view === "services" || route.view === "service" || route.view === "task") {
    crumbs.push({
      key: "cluster",
      label: route.cluster,
      title: "Cluster: its services",
      to: { view: "services", sessionId, cluster: route.cluster },
    });
  }
  if (route.view === "service" || route.view === "task") {
    crumbs.push({
      key: "service",
      label: route.service,
      title: "Service: deployments, events and tasks",
      to: { view: "service", sessionId, cluster: route.cluster, service: route.service },
    });
  }
  if (route.view === "task") {
    crumbs.push({ key: "task", label: route.taskId, title: "Task", to: route });
  }
  const gov = session.partition === "aws-us-gov";
  return (
    <nav className={gov ? "breadcrumbs breadcrumbs-gov" : "breadcrumbs"} aria-label="Breadcrumbs" data-testid="breadcrumbs">
      <ol>
        {crumbs.map((c, i) => (
          <li key={c.key}>
            <button
              type="button"
              className="crumb"
              title={c.title}
              data-testid={`crumb-${c.key}`}
              aria-current={i === crumbs.length - 1 ? "page" : undefined}
              onClick={() => {
                navigate(c.to);
              }}
            >
              {c.label}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
