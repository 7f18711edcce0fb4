// steps.mjs: the step runner and the summary line shared by the test
// scripts. cmd/latch/node_test.go reads the last "N passed, N failed" line
// that finish() prints, so that format lives only here.
export const results = { passed: 0, failed: 0, skipped: 0 };

/** Runs one named step: PASS, or FAIL with the error and where it was thrown. */
export async function step(name, fn) {
  const t0 = performance.now();
  const ms = () => `(${Math.round(performance.now() - t0)} ms)`;
  try {
    await fn();
    results.passed++;
    console.log(`PASS ${name} ${ms()}`);
  } catch (err) {
    results.failed++;
    const where = String(err?.stack ?? "").split("\n")
      .find((l) => /^\s+at .*\.mjs:\d+/.test(l) && !l.includes("/steps.mjs:"));
    const text = String(err?.message ?? err) + (where ? `\n${where.trim()}` : "");
    console.log(`FAIL ${name} ${ms()}\n     ${text.split("\n").join("\n     ")}`);
  }
}

/** Records a step that does not apply to this run. */
export function skip(name, why) {
  results.skipped++;
  console.log(`SKIP ${name} (${why})`);
}

/** Prints the summary lines (label says which script and target). */
export function finish(label) {
  console.log(`${label}: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  console.log(`${results.passed} passed, ${results.failed} failed`);
}
