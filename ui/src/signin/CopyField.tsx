import { useState } from "react";

/** Copies text to the clipboard; false when the platform refuses. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

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
      {large ? (
        // Large values (a device code) are text that sizes itself, never clipped by an input box.
        <output className="copy-value-large" aria-label={label} data-testid={testId}>
          {value}
        </output>
      ) : (
        <input
          type="text"
          readOnly
          value={value}
          aria-label={label}
          data-testid={testId}
          onFocus={(e) => {
            e.target.select();
          }}
        />
      )}
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
