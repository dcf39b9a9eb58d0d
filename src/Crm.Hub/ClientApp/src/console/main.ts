import "./styles.css";
import { App } from "./App";

const root = document.getElementById("app");
if (root) void new App(root).boot();
