import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { RenderedChart } from "../api";
import { renderWithClient } from "../test/fixtures";
import { Chart, keyedCursor } from "./Chart";

const chart: RenderedChart = {
  id: "cpu",
  title: "CPU utilization",
  unit: "%",
  svg: "<svg xmlns='http://www.w3.org/2000/svg'></svg>",
  series: [{ name: "average", color: "#2563eb", points: [[0, 10], [60, 20], [120, 30]] }],
  plot: { left: 50, top: 20, width: 100, height: 100 },
  xRange: [0, 120],
  yRange: [0, 100],
  threshold: 70,
  empty: false,
};

describe("chart by keyboard", () => {
  it("moves the cursor with arrows, Home and End, and hides it with Escape", () => {
    const plot = { left: 50, width: 100 };
    expect(keyedCursor("ArrowLeft", null, plot)).toBe(150);
    expect(keyedCursor("ArrowLeft", 150, plot)).toBe(147.5);
    expect(keyedCursor("ArrowRight", 150, plot)).toBe(150);
    expect(keyedCursor("ArrowLeft", 51, plot)).toBe(50);
    expect(keyedCursor("Home", 120, plot)).toBe(50);
    expect(keyedCursor("End", 60, plot)).toBe(150);
    expect(keyedCursor("Escape", 60, plot)).toBeNull();
    expect(keyedCursor("a", 60, plot)).toBeUndefined();
  });

  it("reads the newest value on focus and older ones with the arrows", () => {
    renderWithClient(<Chart chart={chart} width={200} height={140} />);
    const canvas = screen.getByRole("group", { name: /CPU utilization: Left and Right arrows/ });
    expect(canvas.tabIndex).toBe(0);
    fireEvent.focus(canvas);
    expect(screen.getByTestId("chart-readout-cpu").textContent).toContain("average: 30.0 %");
    fireEvent.keyDown(canvas, { key: "Home" });
    expect(screen.getByTestId("chart-readout-cpu").textContent).toContain("average: 10.0 %");
    for (let i = 0; i < 20; i += 1) fireEvent.keyDown(canvas, { key: "ArrowRight" });
    expect(screen.getByTestId("chart-readout-cpu").textContent).toContain("average: 20.0 %");
    fireEvent.keyDown(canvas, { key: "Escape" });
    expect(screen.queryByTestId("chart-readout-cpu")).toBeNull();
  });
});
