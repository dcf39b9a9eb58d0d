// The embeddable chat widget: one self-contained IIFE (../wwwroot/widget.js) that a business pastes
// into its site. Lib mode, everything (including @microsoft/signalr and the CSS) bundled inline.
import { defineConfig } from "vite";

export default defineConfig({
  publicDir: false,
  build: {
    outDir: "../wwwroot",
    emptyOutDir: false, // wwwroot also holds demo.html and the console under app/
    target: "es2019",
    sourcemap: false,
    minify: true,
    copyPublicDir: false,
    lib: {
      entry: "src/widget/main.ts",
      name: "CrmHubWidget",
      formats: ["iife"],
      fileName: () => "widget.js",
    },
  },
});
