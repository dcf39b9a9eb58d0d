// The agent console: a multi-module SPA served by Crm.Hub at /app/ (SPA fallback to /app/index.html).
// Output goes to ../wwwroot/app only, so emptying it never touches widget.js or demo.html.
import { defineConfig } from "vite";

const hub = "http://localhost:5080";

export default defineConfig({
  base: "/app/",
  publicDir: false,
  build: {
    outDir: "../wwwroot/app",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    assetsDir: "assets",
  },
  server: {
    // `npm run dev` against a locally running hub (dotnet run --project src/Crm.Hub).
    proxy: {
      "/api": { target: hub, changeOrigin: true },
      "/hubs": { target: hub, changeOrigin: true, ws: true },
      "/widget.js": { target: hub, changeOrigin: true },
    },
  },
});
