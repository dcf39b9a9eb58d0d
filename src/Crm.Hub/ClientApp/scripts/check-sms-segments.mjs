// Checks the console's SMS segment counter against the vectors Crm.Channels.Tests checks the C# counter with.
// Run with `npm run test:segments` (Vite loads the TypeScript module; nothing is bundled or served).
import { readFileSync } from "node:fs";
import { runnerImport } from "vite";

const { module } = await runnerImport(new URL("../src/console/smsSegments.ts", import.meta.url).pathname);
const { cases } = JSON.parse(readFileSync(new URL("../src/console/smsSegments.vectors.json", import.meta.url), "utf8"));
let failed = 0;
for (const c of cases) {
  const text = c.parts.map(([s, n]) => s.repeat(n)).join("");
  const got = module.countSegments(text);
  const want = { encoding: c.encoding, units: c.units, segments: c.segments, perSegment: c.perSegment };
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    failed++;
    console.error(`FAIL ${c.name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}
console.log(`${cases.length - failed}/${cases.length} SMS segment vectors pass`);
process.exit(failed ? 1 : 0);
