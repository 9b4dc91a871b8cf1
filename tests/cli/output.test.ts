/** The CLI's output helpers: JSON rounded to 12 significant digits, tables aligned on a terminal. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cellText, jsonText, roundNumber, tableText } from "../../lib/cli/output.js";

describe("jsonText / roundNumber", () => {
  it("rounds every number to 12 significant digits and keeps integers and the structure", () => {
    expect(jsonText({ a: 0.1 + 0.2, b: [1 / 3, 42, -2 / 3], c: "0.30000000000000004", d: null })).toBe(
      '{"a":0.3,"b":[0.333333333333,42,-0.666666666667],"c":"0.30000000000000004","d":null}',
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const r = roundNumber(x);
        if (Number.isInteger(x)) return r === x;
        // at most 12 significant digits, and within half a unit of the 12th digit
        const digits = r.toExponential().split("e")[0]!.replace(/[-.]/g, "").length;
        return digits <= 12 && Math.abs(r - x) <= Math.abs(x) * 5e-12;
      }),
    );
  });
});

describe("tableText", () => {
  const head = ["dataset", "n", "accuracy"];
  const rows = [
    ["frames", "12", "0.5000"],
    [cellText(null), "3", "n/a"],
  ];

  it("is tab-separated when not aligned", () => {
    expect(tableText(head, rows, false)).toBe("dataset\tn\taccuracy\nframes\t12\t0.5000\n(none)\t3\tn/a");
  });

  it("pads columns to their widest cell, two spaces apart, when aligned (a terminal)", () => {
    expect(tableText(head, rows, true).split("\n")).toEqual([
      "dataset  n   accuracy",
      "frames   12  0.5000",
      "(none)   3   n/a",
    ]);
  });

  it("an empty key prints as (none)", () => {
    expect([cellText(""), cellText(undefined), cellText("x"), cellText(0)]).toEqual(["(none)", "(none)", "x", "0"]);
  });
});
