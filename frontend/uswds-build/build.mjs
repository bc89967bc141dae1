// Compiles residents.scss into the residents' USWDS stylesheet. The first line names the
// SHA-256 of residents.scss, so a test can tell the committed CSS from a stale one.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const SOURCE = "residents.scss";
const OUT = "../static/vendor/uswds-3.14.0/css/uswds-residents.min.css";

const digest = createHash("sha256").update(readFileSync(SOURCE)).digest("hex");
const { css } = sass.compile(SOURCE, {
  loadPaths: ["node_modules/@uswds/uswds/packages"],
  style: "compressed",
  quietDeps: true,
  charset: false,
});
writeFileSync(OUT, `/*! USWDS 3.14.0 (public domain), residents' packages: ${SOURCE} sha256:${digest} */\n${css}\n`);
