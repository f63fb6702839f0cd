import { useState } from "react";
import { copyText } from "./sso";

/** A read-only value with a Copy button (the value stays selectable if the clipboard refuses). */
export function CopyField({
  value,
  label,
  testId,
  large = false,
}: {
  value: string;
  label: string;
  testId: string;
  large?: boolean;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <div className={large ? "copy-field copy-field-large" : "copy-field"}>
      <input
        type="text"
        readOnly
        value={value}
        aria-label={label}
        data-testid={testId}
        onFocus={(e) => {
          e.target.select();
        }}
        size={large ? Math.max(9, value.length) : undefined}
      />
      <button
        type="button"
        className="button"
        data-testid={`${testId}-copy`}
        onClick={() => {
          void copyText(value).then((ok) => {
            setState(ok ? "copied" : "failed");
          });
        }}
      >
        {state === "copied" ? "Copied" : "Copy"}
      </button>
      {state === "failed" && (
        <span className="muted copy-hint" role="status">
          Select the text and press Ctrl+C.
        </span>
      )}
    </div>
  );
}
