import fs from "node:fs";
import path from "node:path";

/** The package's version, read from package.json (two levels up from both emulator/ and dist/emulator/). */
export function packageVersion(): string {
  for (const candidate of [path.join(__dirname, "..", "package.json"), path.join(__dirname, "..", "..", "package.json")]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pulumi-managed-hsm" && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return "0.0.0";
}
