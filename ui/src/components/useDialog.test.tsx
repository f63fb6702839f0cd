import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { DIALOG_CLOSE, tabbables, useDialog } from "./useDialog";

function Dialog({ name, onClose, children }: { name: string; onClose: () => void; children?: React.ReactNode }) {
  const ref = useDialog();
  return (
    <div ref={ref} tabIndex={-1} role="dialog" aria-modal="true" aria-labelledby={`${name}-title`} data-testid={name}>
      <h2 id={`${name}-title`}>{name}</h2>
      {children}
      <button type="button" onClick={onClose} data-testid={`${name}-close`} {...DIALOG_CLOSE}>
        Close
      </button>
    </div>
  );
}

function Harness() {
  const [outer, setOuter] = useState(false);
  const [inner, setInner] = useState(false);
  return (
    <>
      <button type="button" onClick={() => { setOuter(true); }} data-testid="open-outer">
        open
      </button>
      {outer && (
        <Dialog name="outer" onClose={() => { setOuter(false); }}>
          <button type="button" onClick={() => { setInner(true); }} data-testid="open-inner">
            more
          </button>
        </Dialog>
      )}
      {inner && <Dialog name="inner" onClose={() => { setInner(false); }} />}
    </>
  );
}

describe("useDialog", () => {
  it("answers Escape only in the topmost dialog and gives the focus back step by step", async () => {
    render(<Harness />);
    await userEvent.click(screen.getByTestId("open-outer"));
    // No field: the dialog itself takes the focus.
    expect(document.activeElement).toBe(screen.getByTestId("outer"));
    await userEvent.click(screen.getByTestId("open-inner"));
    expect(document.activeElement).toBe(screen.getByTestId("inner"));
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("inner")).toBeNull();
    expect(screen.getByTestId("outer")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId("open-inner"));
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("outer")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("open-outer"));
  });

  it("skips what a closed <details> folds away but keeps its summary", () => {
    render(
      <div data-testid="root">
        <button type="button">a</button>
        <details>
          <summary>more</summary>
          <button type="button">hidden</button>
        </details>
        <button type="button" disabled>
          off
        </button>
      </div>,
    );
    expect(tabbables(screen.getByTestId("root")).map((e) => e.textContent)).toEqual(["a", "more"]);
  });
});
