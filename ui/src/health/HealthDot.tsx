import "./health.css";
import type { HealthLevel } from "../api";

/** A health level in words, wherever a level is shown. */
export const LEVEL_WORDS: Record<HealthLevel, string> = { green: "Healthy", amber: "Needs attention", red: "Broken" };

/** A coloured dot with the roll-up sentence as its tooltip (services list rows). */
export function HealthDot({ level, summary, testId }: { level: HealthLevel | null; summary?: string; testId?: string }) {
  const word = level === null ? "Health not known yet" : LEVEL_WORDS[level];
  return (
    <span
      className={`health-dot health-${level ?? "unknown"}`}
      title={summary ?? word}
      role="img"
      aria-label={`${word}${summary === undefined ? "" : `: ${summary}`}`}
      data-testid={testId ?? "health-dot"}
      data-level={level ?? "unknown"}
    />
  );
}
